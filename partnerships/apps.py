from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        # notify never imports this app; the app that owns an event says who hears of it.
        from ddms_platform.core.banner import register_banner

        from .demo import logins_banner
        from .notifications import register_handlers

        register_handlers()
        # run_platform prints the demo logins last, once web, worker and beat are up.
        register_banner(logins_banner)
        register_visibility()


def register_visibility() -> None:
    """Which rows of each model a user may name in a filter or a body (core.scoping)."""
    from django.contrib.auth import get_user_model

    from ddms_platform.core.scoping import register_visible

    from . import models, selectors, selectors_obligations, selectors_requests, selectors_schemas

    register_visible(models.Country, lambda user: selectors.country_list())
    register_visible(get_user_model(), selectors.user_list)
    for model, selector in (
        (models.Organisation, selectors.organisation_list),
        (models.Contact, selectors.contact_list),
        (models.Membership, selectors.membership_list),
        (models.Agreement, selectors.agreement_list),
        (models.CaseStudy, selectors.case_study_list),
        (models.Pilot, selectors.pilot_list),
        (models.Policy, selectors.policy_list),
        (models.CommunicationPlan, selectors.plan_list),
        (models.Activity, selectors.activity_list),
        (models.KnowledgeArticle, selectors.article_list),
        (models.DataRequest, selectors_requests.requests_visible_to),
        (models.Submission, selectors_requests.submissions_visible_to),
        (models.SchemaTemplate, selectors_schemas.schema_templates_visible),
        (models.Deliverable, selectors_obligations.deliverable_list),
    ):
        register_visible(model, selector)

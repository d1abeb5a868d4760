"""Enumerations of the partnerships domain (DESIGN.md §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    NSI = "nsi", _("National Statistical Institute")
    NSI_REGIONAL = "nsi_regional", _("NSI regional office")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CHAMBER = "chamber", _("Chamber of commerce")
    COMPANY = "company", _("Company")
    ACADEMIA = "academia", _("Academia")
    NGO = "ngo", _("NGO")
    OTHER = "other", _("Other")
    NETWORK = "network", _("Network coordination")


class MembershipRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


class AgreementType(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    DATA_SHARING = "data_sharing", _("Data-sharing agreement")
    SERVICE = "service", _("Service contract")
    INFORMAL = "informal", _("Informal")


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATION = "negotiation", _("Negotiation")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class Domain(models.TextChoices):
    ECONOMY = "economy", _("Economy")
    MOBILITY = "mobility", _("Mobility")
    ENERGY = "energy", _("Energy")
    SOCIAL = "social", _("Social")
    ENVIRONMENT = "environment", _("Environment")
    SDGS = "sdgs", _("SDGs")
    DEMOGRAPHY = "demography", _("Demography")
    TOURISM = "tourism", _("Tourism")


class Resource(models.TextChoices):
    DATA = "data", _("Data")
    GEOSPATIAL = "geospatial", _("Geospatial data")
    SKILLS = "skills", _("Skills")
    EXPERTISE = "expertise", _("Expertise")
    TOOLS = "tools", _("Tools")
    FUNDING = "funding", _("Funding")


class ObjectiveStatus(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_YET = "not_yet", _("Not yet achieved")
    DROPPED = "dropped", _("Dropped")


class Theme(models.TextChoices):
    LOCAL_ECONOMY = "local_economy", _("Local economy")
    MOBILITY = "mobility", _("Mobility")
    SOCIAL_STRUCTURE = "social_structure", _("Social structure")
    ENERGY = "energy", _("Energy")
    ENVIRONMENT = "environment", _("Environment")
    SDGS = "sdgs", _("SDGs")


class PolicyKind(models.TextChoices):
    STRATEGY = "strategy", _("Strategy")
    INVESTMENT_PLAN = "investment_plan", _("Investment plan")
    PROGRAMME = "programme", _("Programme")


class TargetDirection(models.TextChoices):
    INCREASE = "increase", _("Increase (at least the target)")
    DECREASE = "decrease", _("Decrease (at most the target)")
    MAINTAIN = "maintain", _("Maintain (around the target)")


class Audience(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses")
    MEDIA = "media", _("Media")
    ACADEMIA = "academia", _("Academia")
    NSI_MANAGEMENT = "nsi_management", _("NSI management")


class ActivityKind(models.TextChoices):
    WEB_RELEASE = "web_release", _("Web release")
    SEMINAR = "seminar", _("Seminar")
    WORKSHOP = "workshop", _("Workshop")
    MEETING = "meeting", _("Meeting")
    PRESS_RELEASE = "press_release", _("Press release")
    NEWSLETTER = "newsletter", _("Newsletter")
    SOCIAL_MEDIA = "social_media", _("Social media")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ArticleKind(models.TextChoices):
    GUIDELINE = "guideline", _("Guideline")
    BEST_PRACTICE = "best_practice", _("Best practice")
    CASE_STUDY = "case_study", _("Case study")


class RequestDirection(models.TextChoices):
    ACQUISITION = "acquisition", _("Acquisition (NSI asks a partner)")
    DATA_NEED = "data_need", _("Data need (a city tells the NSI)")


class RequestFrequency(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DECLINED = "declined", _("Declined")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SubmissionFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("XLSX")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    ERROR = "error", _("Error")


class DeliverableFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class EscalationStepKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the due date")
    MANAGERS = "managers", _("Partner's managers")
    COORDINATOR = "coordinator", _("NSI coordinator")


class ProgressStatus(models.TextChoices):
    GREEN = "green", _("Reported")
    YELLOW = "yellow", _("A year late")
    RED = "red", _("Two years late")

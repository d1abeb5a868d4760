"""Enumerations of the partnerships domain (DESIGN.md §2)."""

from django.db import models


class OrganisationKind(models.TextChoices):
    NSI = "nsi", "National Statistical Institute"
    NSI_REGIONAL = "nsi_regional", "NSI regional office"
    LOCAL_GOVERNMENT = "local_government", "Local government"
    CHAMBER = "chamber", "Chamber of commerce"
    COMPANY = "company", "Company"
    ACADEMIA = "academia", "Academia"
    NGO = "ngo", "NGO"
    OTHER = "other", "Other"


class MembershipRole(models.TextChoices):
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class AgreementType(models.TextChoices):
    MOU = "mou", "Memorandum of understanding"
    DATA_SHARING = "data_sharing", "Data-sharing agreement"
    SERVICE = "service", "Service contract"
    INFORMAL = "informal", "Informal"


class AgreementState(models.TextChoices):
    DRAFT = "draft", "Draft"
    NEGOTIATION = "negotiation", "Negotiation"
    SIGNED = "signed", "Signed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class Domain(models.TextChoices):
    ECONOMY = "economy", "Economy"
    MOBILITY = "mobility", "Mobility"
    ENERGY = "energy", "Energy"
    SOCIAL = "social", "Social"
    ENVIRONMENT = "environment", "Environment"
    SDGS = "sdgs", "SDGs"
    DEMOGRAPHY = "demography", "Demography"
    TOURISM = "tourism", "Tourism"


class Resource(models.TextChoices):
    DATA = "data", "Data"
    GEOSPATIAL = "geospatial", "Geospatial data"
    SKILLS = "skills", "Skills"
    EXPERTISE = "expertise", "Expertise"
    TOOLS = "tools", "Tools"
    FUNDING = "funding", "Funding"


class ObjectiveStatus(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_YET = "not_yet", "Not yet achieved"
    DROPPED = "dropped", "Dropped"


class Theme(models.TextChoices):
    LOCAL_ECONOMY = "local_economy", "Local economy"
    MOBILITY = "mobility", "Mobility"
    SOCIAL_STRUCTURE = "social_structure", "Social structure"
    ENERGY = "energy", "Energy"
    ENVIRONMENT = "environment", "Environment"
    SDGS = "sdgs", "SDGs"


class PolicyKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy"
    INVESTMENT_PLAN = "investment_plan", "Investment plan"
    PROGRAMME = "programme", "Programme"


class TargetDirection(models.TextChoices):
    INCREASE = "increase", "Increase (at least the target)"
    DECREASE = "decrease", "Decrease (at most the target)"
    MAINTAIN = "maintain", "Maintain (around the target)"


class Audience(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", "Local government"
    CITIZENS = "citizens", "Citizens"
    BUSINESSES = "businesses", "Businesses"
    MEDIA = "media", "Media"
    ACADEMIA = "academia", "Academia"
    NSI_MANAGEMENT = "nsi_management", "NSI management"


class ActivityKind(models.TextChoices):
    WEB_RELEASE = "web_release", "Web release"
    SEMINAR = "seminar", "Seminar"
    WORKSHOP = "workshop", "Workshop"
    MEETING = "meeting", "Meeting"
    PRESS_RELEASE = "press_release", "Press release"
    NEWSLETTER = "newsletter", "Newsletter"
    SOCIAL_MEDIA = "social_media", "Social media"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ArticleKind(models.TextChoices):
    GUIDELINE = "guideline", "Guideline"
    BEST_PRACTICE = "best_practice", "Best practice"
    CASE_STUDY = "case_study", "Case study"


class RequestDirection(models.TextChoices):
    ACQUISITION = "acquisition", "Acquisition (NSI asks a partner)"
    DATA_NEED = "data_need", "Data need (a city tells the NSI)"


class RequestFrequency(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class RequestState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DECLINED = "declined", "Declined"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SubmissionFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    ERROR = "error", "Error"

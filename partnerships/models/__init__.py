"""Partnerships domain models (DESIGN.md §2, partnerships)."""

from .agreements import Agreement, AgreementDocument, AgreementParty, CaseObjective, CaseStudy
from .communication import Activity, CommunicationPlan, KnowledgeArticle
from .obligations import Deliverable, EscalationPolicy, EscalationStep, ProgressReport
from .pilots import Pilot, Policy, PolicyTarget
from .registry import Contact, Country, Membership, Organisation
from .requests import DataRequest, RequestComment, Submission, ValidationRun
from .schemas import SchemaTemplate

__all__ = [
    "Activity",
    "Agreement",
    "AgreementDocument",
    "AgreementParty",
    "CaseObjective",
    "CaseStudy",
    "CommunicationPlan",
    "Contact",
    "Country",
    "DataRequest",
    "Deliverable",
    "EscalationPolicy",
    "EscalationStep",
    "KnowledgeArticle",
    "Membership",
    "Organisation",
    "Pilot",
    "Policy",
    "PolicyTarget",
    "ProgressReport",
    "RequestComment",
    "SchemaTemplate",
    "Submission",
    "ValidationRun",
]

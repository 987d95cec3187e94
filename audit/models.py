"""Every model, imported in one place so Alembic and the test fixtures see the whole schema."""

from audit.accounts.models import RecoveryCode, RoleAssignment, User
from audit.activity.models import ActivityEvent
from audit.audits.models import (
    Answer,
    Audit,
    AuditCycle,
    AuditLogEntry,
    Evidence,
    EvidenceLink,
    QueryMessage,
    ReviewQuery,
)
from audit.exports.models import Export
from audit.frameworks.models import FrameworkIndicator, FrameworkVersion, IndicatorLink
from audit.orgs.models import Country, Institution, Unit
from audit.outbox.models import OutboxMessage
from audit.scoring.latest_scores import LatestScore
from audit.scoring.models import DomainScore, RecommendationScore, ScorecardSnapshot, SexCount
from audit.system.models import WorkerHeartbeat

__all__ = [
    "ActivityEvent",
    "Answer",
    "Audit",
    "AuditCycle",
    "AuditLogEntry",
    "Country",
    "DomainScore",
    "Evidence",
    "EvidenceLink",
    "Export",
    "FrameworkIndicator",
    "FrameworkVersion",
    "IndicatorLink",
    "Institution",
    "LatestScore",
    "OutboxMessage",
    "QueryMessage",
    "RecommendationScore",
    "RecoveryCode",
    "ReviewQuery",
    "RoleAssignment",
    "ScorecardSnapshot",
    "SexCount",
    "Unit",
    "User",
    "WorkerHeartbeat",
]

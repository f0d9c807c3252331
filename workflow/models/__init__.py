"""All persistent models; importing this package registers every table on ``Base.metadata``."""

from workflow.models.articles import (
    BLOCK_KINDS,
    LANGUAGES,
    Article,
    Block,
    Edition,
    Segment,
    SegmentTranslation,
)
from workflow.models.jobs import (
    FeedSource,
    JobRun,
    ModelEvaluation,
    TranslationJob,
    WorkerHeartbeat,
)
from workflow.models.people import ROLES, ApiKey, InstanceSetting, User
from workflow.models.publishing import (
    AccessLog,
    FeedEvent,
    FeedSequence,
    Partner,
    Publication,
    WebhookDelivery,
)
from workflow.models.review import (
    AuditEvent,
    Comment,
    EditionSnapshot,
    GlossaryTerm,
    MemoryEntry,
    SegmentRevision,
)

__all__ = [
    "BLOCK_KINDS",
    "LANGUAGES",
    "ROLES",
    "AccessLog",
    "ApiKey",
    "Article",
    "AuditEvent",
    "Block",
    "Comment",
    "Edition",
    "EditionSnapshot",
    "FeedEvent",
    "FeedSequence",
    "FeedSource",
    "InstanceSetting",
    "GlossaryTerm",
    "JobRun",
    "ModelEvaluation",
    "MemoryEntry",
    "Partner",
    "Publication",
    "Segment",
    "SegmentRevision",
    "SegmentTranslation",
    "TranslationJob",
    "User",
    "WebhookDelivery",
    "WorkerHeartbeat",
]

"""SQLAlchemy 2.0 models, one module per aggregate. Importing this package registers them all
with ``Base.metadata`` (Alembic and the tests rely on that)."""

from app.models.appointments import APPOINTMENT_STATUSES, Appointment
from app.models.area import Building, Community, Grid, Street
from app.models.base import Base
from app.models.cases import ESCALATION_LEVELS, CalendarDay, Case, CaseEvent, CaseSequence, EscalationTarget
from app.models.catalogue import ServiceCategory, ServiceItem
from app.models.certificates import Certificate, CertificateSequence, CertificateTemplate, TrustedKey
from app.models.deliberation import (
    DELIBERATION_KINDS,
    FOUR_TWO_STEPS,
    Deliberation,
    DeliberationLink,
    DeliberationStep,
)
from app.models.engagement import (
    CLAIMER_KINDS,
    VISIT_WAYS,
    WISH_CHANNELS,
    WISH_STATUSES,
    Visit,
    VisitRule,
    Wish,
)
from app.models.outbox import install as _install_outbox
from app.models.partners import (
    ITEM_SIDES,
    PROJECT_DIRECTIONS,
    PROJECT_STATUSES,
    UNIT_KINDS,
    PartnerItem,
    PartnerProject,
    PartnerUnit,
    PartnerUnitMember,
    ProjectMilestone,
)
from app.models.party import PARTY_LEVELS, PartyOrganisation
from app.models.party_members import (
    MEETING_KINDS,
    MEMBER_KINDS,
    MEMBER_STATUSES,
    REPORT_IN_POSTS,
    MeetingAttendance,
    MeetingPhoto,
    PartyMeeting,
    PartyMember,
    ReportInService,
)
from app.models.party_points import PARTY_GRADES, PartyMemberGrade, PartyPointEntry, PartyPointRule
from app.models.population import (
    DEAD,
    HEAD_RELATION,
    HISTORY_KINDS,
    LIVING,
    MOVED,
    RESIDENT_STATES,
    Household,
    Resident,
    ResidentHistory,
    ResidentPhoto,
    Tag,
    resident_tags,
)
from app.models.reports import MonthlyReport
from app.models.resident_keys import install as _install_resident_keys
from app.models.settings import CentreSetting
from app.models.staff import STAFF_ROLES, GridStaff
from app.models.sync import HeldRecord, OutboxEntry, SyncConflict, SyncState
from app.models.users import ROLES, AuditEntry, User, user_grids
from app.models.volunteers import (
    ACTIVITY_STATUSES,
    SIGN_CHANNELS,
    TEAM_KINDS,
    Attendance,
    TeamMembership,
    Volunteer,
    VolunteerActivity,
    VolunteerTeam,
)

# The outbox's listener is installed with the models (not in open_database), so that no way of
# making a session can forget it: every Case, CaseEvent and Certificate change writes its outbox row.
_install_outbox()
# Likewise every ORM write of a resident keeps their search keys (app.models.resident_keys).
_install_resident_keys()

__all__ = [
    "PARTY_GRADES",
    "PartyMemberGrade",
    "PartyPointEntry",
    "PartyPointRule",
    "MonthlyReport",
    "DELIBERATION_KINDS",
    "FOUR_TWO_STEPS",
    "Deliberation",
    "DeliberationLink",
    "DeliberationStep",
    "ITEM_SIDES",
    "PROJECT_DIRECTIONS",
    "PROJECT_STATUSES",
    "UNIT_KINDS",
    "PartnerItem",
    "PartnerProject",
    "PartnerUnit",
    "PartnerUnitMember",
    "ProjectMilestone",
    "CLAIMER_KINDS",
    "VISIT_WAYS",
    "WISH_CHANNELS",
    "WISH_STATUSES",
    "Visit",
    "VisitRule",
    "Wish",
    "APPOINTMENT_STATUSES",
    "Appointment",
    "Certificate",
    "CertificateSequence",
    "CertificateTemplate",
    "TrustedKey",
    "CalendarDay",
    "Case",
    "CaseEvent",
    "ESCALATION_LEVELS",
    "EscalationTarget",
    "CaseSequence",
    "AuditEntry",
    "CentreSetting",
    "ROLES",
    "ServiceCategory",
    "ServiceItem",
    "User",
    "Base",
    "Building",
    "Community",
    "Grid",
    "GridStaff",
    "DEAD",
    "HEAD_RELATION",
    "HISTORY_KINDS",
    "LIVING",
    "MOVED",
    "RESIDENT_STATES",
    "Household",
    "PARTY_LEVELS",
    "PartyOrganisation",
    "PartyMember",
    "ReportInService",
    "PartyMeeting",
    "MeetingAttendance",
    "MeetingPhoto",
    "MEETING_KINDS",
    "REPORT_IN_POSTS",
    "MEMBER_KINDS",
    "MEMBER_STATUSES",
    "Resident",
    "ResidentHistory",
    "ResidentPhoto",
    "STAFF_ROLES",
    "OutboxEntry",
    "HeldRecord",
    "SyncConflict",
    "SyncState",
    "Street",
    "Tag",
    "resident_tags",
    "user_grids",
    "ACTIVITY_STATUSES",
    "SIGN_CHANNELS",
    "TEAM_KINDS",
    "Attendance",
    "TeamMembership",
    "Volunteer",
    "VolunteerActivity",
    "VolunteerTeam",
]

MEETING_KINDS: dict[str, str] = {
    "general": "支部党员大会",
    "committee": "支委会",
    "group": "党小组会",
    "lecture": "党课",
    "theme_day": "主题党日",
}


class PartyMeeting(Timestamped, Base):
    """One meeting of a branch (三会一课, 主题党日), planned or held."""

    __tablename__ = "party_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("party_organisations.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(80), default="")
    topic: Mapped[str] = mapped_column(String(120))
    held: Mapped[bool] = mapped_column(default=False)  # False: planned
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")


class MeetingAttendance(Base):
    """A member at a meeting: checked in (by card or ticked), or absent with a reason."""

    __tablename__ = "party_meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("party_meetings.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("party_members.id", ondelete="RESTRICT"), primary_key=True
    )
    present: Mapped[bool] = mapped_column(default=True)
    absence_reason: Mapped[str] = mapped_column(String(80), default="")

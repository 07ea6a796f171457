"""a resident's grid on the resident row, kept by triggers, with indexes for searching within a grid;
the rooms of a building indexed

Revision ID: 0024
Revises: 0027
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The grid of a resident is the grid of their household's building. Searching within one grid
# through that join cannot use an index on (grid, name); a copy on the resident row can. The copy
# is kept by the database itself, so that every writer (the desk's upkeep, imports, the demo's bulk
# inserts, plain SQL) keeps it true without knowing of it: a writer may give the right value (the
# demo does, and then no trigger writes), any other value is corrected at once.
GRID_OF_HOUSEHOLD = (
    "(SELECT b.grid_id FROM households h JOIN buildings b ON b.id = h.building_id WHERE h.id = {0})"
)
TRIGGERS = {
    "residents_grid_insert": (
        "CREATE TRIGGER residents_grid_insert AFTER INSERT ON residents "
        "WHEN new.grid_id IS NOT {grid} BEGIN "
        "UPDATE residents SET grid_id = {grid} WHERE id = new.id; END"
    ),
    # A person moved to another household, or a grid written by hand: corrected to the household's.
    "residents_grid_update": (
        "CREATE TRIGGER residents_grid_update AFTER UPDATE OF household_id, grid_id ON residents "
        "WHEN new.grid_id IS NOT {grid} BEGIN "
        "UPDATE residents SET grid_id = {grid} WHERE id = new.id; END"
    ),
    # A household moved to another building (整户迁居).
    "households_grid_update": (
        "CREATE TRIGGER households_grid_update AFTER UPDATE OF building_id ON households "
        "WHEN new.building_id IS NOT old.building_id BEGIN "
        "UPDATE residents SET grid_id = (SELECT grid_id FROM buildings WHERE id = new.building_id) "
        "WHERE household_id = new.id; END"
    ),
    # A building given to another grid (grids redrawn, a building imported into another grid).
    "buildings_grid_update": (
        "CREATE TRIGGER buildings_grid_update AFTER UPDATE OF grid_id ON buildings "
        "WHEN new.grid_id IS NOT old.grid_id BEGIN "
        "UPDATE residents SET grid_id = new.grid_id "
        "WHERE household_id IN (SELECT id FROM households WHERE building_id = new.id); END"
    ),
}
# Within a grid, each way a name is searched (app.services.population.search) reads one range.
INDEXES = {
    "ix_residents_grid_initials": ["grid_id", "name_initials"],
    "ix_residents_grid_pinyin": ["grid_id", "name_pinyin"],
    "ix_residents_grid_name": ["grid_id", "name"],
}


def upgrade() -> None:
    # Plain ADD COLUMN, no batch copy of ``residents``; no REFERENCES clause, which SQLite would
    # not let a later DROP COLUMN remove in place.
    op.execute("ALTER TABLE residents ADD COLUMN grid_id INTEGER")
    op.execute(
        "UPDATE residents SET grid_id = (SELECT b.grid_id FROM households h "
        "JOIN buildings b ON b.id = h.building_id WHERE h.id = residents.household_id) "
        "WHERE household_id IS NOT NULL"
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "residents", columns)
    # A room within some grids (a grid worker types 502): the grids' buildings, then each one's
    # households in that room, instead of the street's every 502 checked for its grid.
    op.create_index("ix_households_building_room", "households", ["building_id", "room"])
    if op.get_bind().dialect.name == "sqlite":
        grid = GRID_OF_HOUSEHOLD.format("new.household_id")
        for statement in TRIGGERS.values():
            op.execute(statement.format(grid=grid))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_households_building_room", table_name="households")
    for name in INDEXES:
        op.drop_index(name, table_name="residents")
    # DROP COLUMN in place: a batch copy of ``residents`` would drop the table, and with it
    # (ON DELETE CASCADE) every resident's tags and photo.
    op.drop_column("residents", "grid_id")

"""Benchmark: grid notice boards for 300 grids in one PDF.

    python bench/bench_boards.py [--grids 300] [--residents 12000] [--photos 0.33] [--repeat 1]
                                 [--markdown-out FILE]

Builds the demo street (``initialise(db, with_demo=True, seed=1, residents=N)``, 60 grids) in a
temporary SQLite database and adds grids until there are ``--grids``: each extra grid copies a demo
grid of the same community (boundaries, coverage, hotline, stars, its staff and its party branch)
under a new code and name. A share ``--photos`` of all staff get a distinct synthetic JPEG photo
(358 x 441 px, about 25 KB, like a scanned 一寸照). Then, the way ``yichuang boards --all`` does it:

* load: ``boards_data(session, None, today)`` (grouped counts, staff with photos, QR texts);
* render: ``render_boards(boards, paper=..., orientation=...)`` into one PDF in memory;

for A4 portrait without photos, A4 portrait with photos and A3 landscape with photos; and last the
whole command, ``yichuang boards --all --out FILE`` in-process (open, load, render, write, mark
the 300 boards printed with one audit entry). The demo's
QR mode is the grid leader's vCard (the longest QR text). Prints a Markdown table; progress goes
to stderr. Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import io
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from app.cli import main as cli_main  # noqa: E402
from app.db import open_database  # noqa: E402
from app.models import Grid, GridStaff, PartyOrganisation  # noqa: E402
from app.printing.boards.pdf import render_boards  # noqa: E402
from app.printing.fonts import register_fonts  # noqa: E402
from app.services.grids.boards import boards_data  # noqa: E402
from app.services.setup.initialise import initialise  # noqa: E402

TARGET_S = 20.0  # DESIGN.md: notice boards for 300 grids in one PDF <= 20 s
TODAY = dt.date(2026, 11, 23)
GRID_COLUMNS = (
    "community_id",
    "boundary_east",
    "boundary_south",
    "boundary_west",
    "boundary_north",
    "coverage",
    "area_km2",
    "hotline",
    "star_rating",
)
STAFF_COLUMNS = ("role", "name", "phone", "organisation", "duty", "sort_order")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def synthetic_photo(rng: random.Random) -> bytes:
    """A distinct portrait-shaped JPEG: coloured background, head and shoulders, some grain."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (358, 441), tuple(rng.randrange(60, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    skin = (rng.randrange(200, 250), rng.randrange(160, 210), rng.randrange(130, 180))
    draw.ellipse((109, 70, 249, 230), fill=skin)
    draw.rectangle((60, 280, 298, 441), fill=tuple(rng.randrange(0, 90) for _ in range(3)))
    for _ in range(1500):
        x, y = rng.randrange(358), rng.randrange(441)
        draw.point((x, y), fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_grids(db, total: int, photo_share: float, seed: int) -> tuple[int, int]:
    """Copy demo grids until there are ``total``; give ``photo_share`` of all staff a photo.
    Returns (grids, staff with a photo)."""
    rng = random.Random(seed)
    with db.sessions.begin() as session:
        demo = list(session.scalars(select(Grid).order_by(Grid.code)))
        by_community: dict[int, list[Grid]] = {}
        for grid in demo:
            by_community.setdefault(grid.community_id, []).append(grid)
        communities = sorted(by_community)
        staff = {
            g.id: list(session.scalars(select(GridStaff).where(GridStaff.grid_id == g.id))) for g in demo
        }
        branches = {
            b.grid_id: b
            for b in session.scalars(
                select(PartyOrganisation).where(PartyOrganisation.level == "grid_branch")
            )
        }
        extra = total - len(demo)
        for n in range(max(0, extra)):
            community = communities[n % len(communities)]
            source = by_community[community][(n // len(communities)) % len(by_community[community])]
            number = len(by_community[community]) + 1 + n // len(communities)
            code = f"{source.code[:-3]}{number:03d}"
            grid_id = session.execute(
                insert(Grid).values(
                    code=code,
                    name=f"第{number}网格",
                    **{c: getattr(source, c) for c in GRID_COLUMNS},
                )
            ).inserted_primary_key[0]
            session.execute(
                insert(GridStaff),
                [{"grid_id": grid_id, **{c: getattr(p, c) for c in STAFF_COLUMNS}} for p in staff[source.id]],
            )
            branch = branches.get(source.id)
            if branch is not None:
                session.execute(
                    insert(PartyOrganisation).values(
                        level="grid_branch",
                        name=f"第{number}网格党支部",
                        parent_id=branch.parent_id,
                        community_id=branch.community_id,
                        grid_id=grid_id,
                        sort_order=number,
                    )
                )
        ids = list(session.scalars(select(GridStaff.id)))
        chosen = rng.sample(ids, round(len(ids) * photo_share))
        for staff_id in chosen:
            session.get(GridStaff, staff_id).photo = synthetic_photo(rng)
        grids = len(session.scalars(select(Grid.id)).all())
    return grids, len(chosen)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grids", type=int, default=300)
    parser.add_argument("--residents", type=int, default=12_000, help="demo residents (default 12,000)")
    parser.add_argument("--photos", type=float, default=0.33, help="share of staff with a photo")
    parser.add_argument(
        "--repeat", type=int, default=1, help="renders per configuration (best and worst shown)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown-out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="yichuang-bench-boards-"))
    try:
        db = open_database(f"sqlite:///{workdir / 'boards.sqlite'}")
        log(f"demo street with {args.residents:,} residents ...")
        initialise(db, with_demo=True, seed=args.seed, residents=args.residents, today=TODAY)
        grids, photos = add_grids(db, args.grids, args.photos, args.seed)
        log(f"{grids} grids, {photos} staff with a photo")
        register_fonts()  # once per process, like the desk at start (about 0.3 s)

        start = time.perf_counter()
        with db.sessions() as session:
            boards = boards_data(session, None, TODAY)
        load_s = time.perf_counter() - start
        staff = sum(len(b.staff) for b in boards)
        no_photos = [
            dataclasses.replace(b, staff=tuple(dataclasses.replace(s, photo=None) for s in b.staff))
            for b in boards
        ]
        runs = [
            ("A4 portrait", "no photos", no_photos, "A4", "portrait"),
            ("A4 portrait", f"{photos} photos", boards, "A4", "portrait"),
            ("A3 landscape", f"{photos} photos", boards, "A3", "landscape"),
        ]
        rows = []
        for label, photo_label, batch, paper, orientation in runs:
            times, size = [], 0
            for _ in range(args.repeat):
                log(f"rendering {len(batch)} boards, {label}, {photo_label} ...")
                start = time.perf_counter()
                pdf = render_boards(batch, paper=paper, orientation=orientation)
                times.append(time.perf_counter() - start)
                size = len(pdf)
            best, worst = min(times), max(times)
            total = load_s + worst
            rows.append(
                f"| {label} | {photo_label} | {len(batch)} | {load_s:.2f} | {best:.2f} | {worst:.2f} | "
                f"{worst / len(batch) * 1000:.0f} | {total:.2f} | {size / 1e6:.1f} | "
                f"{'met' if total <= TARGET_S else '**not met**'} |"
            )
        url = db.url
        db.dispose()
        # The whole command as a script runs it: open, load, render, write the file, mark printed.
        log("yichuang boards --all ...")
        os.environ["YICHUANG_LOG_DIR"] = str(workdir / "logs")  # not the user's log folder
        out = workdir / "boards.pdf"
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()) as captured:
            code = cli_main(["--db", url, "boards", "--all", "--out", str(out), "--user", "admin"])
        cli_s = time.perf_counter() - start
        reported = json.loads(captured.getvalue())
        if code != 0:
            raise SystemExit(f"yichuang boards failed with exit code {code}")
        rows.append(
            f"| `yichuang boards --all` (A4 portrait) | {photos} photos | {reported['pages']} | — | — | — | "
            f"{cli_s / reported['pages'] * 1000:.0f} | {cli_s:.2f} (reported {reported['seconds']}) | "
            f"{out.stat().st_size / 1e6:.1f} | {'met' if cli_s <= TARGET_S else '**not met**'} |"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    loadavg = Path("/proc/loadavg")
    load = " ".join(loadavg.read_text().split()[:3]) if loadavg.exists() else ""
    lines = [
        f"### Notice boards, {grids} grids ({staff:,} staff) in one PDF (s)",
        "",
        "| paper | photos | pages | load (`boards_data`) | render best | render worst | ms/page (worst) "
        "| load + render | PDF (MB) | target ≤ 20 s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
        f"{args.repeat} render(s) per row; QR mode vCard (the demo's); peak RSS {peak_rss_mb():.0f} MB; "
        f"load average at the end: {load or 'n/a'}.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.markdown_out:
        args.markdown_out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

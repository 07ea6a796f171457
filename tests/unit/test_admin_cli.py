"""Administrator commands: tags are data (add, assign, age rules), templates are data (import
a new one without a code change, export one)."""

from __future__ import annotations

import json

import yaml
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, CentreSetting, CertificateTemplate, Resident
from app.services.admin.centre import COMMUNITY_SETTING
from app.services.population.lookup import lookup


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_centre_adds_and_assigns_its_own_tag(capsys, demo_db):
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).limit(1)).one()
    code, out, _ = run(
        capsys, "--db", demo_db.url, "tags", "add", "empty_nest", "空巢老人", "--color", "#805ad5"
    )
    assert code == 0 and json.loads(out)["name"] == "空巢老人"
    code, _, _ = run(
        capsys, "--db", demo_db.url, "tags", "assign", "empty_nest", person.id_number, "--user", "admin"
    )
    assert code == 0
    with demo_db.sessions.begin() as session:
        assert "空巢老人" in [t["name"] for t in lookup(session, person.id_number, actor="t")["tags"]]
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "edit")).one().actor == "admin"
    code, _, err = run(capsys, "--db", demo_db.url, "tags", "assign", "elderly_80", person.id_number)
    assert code == 1 and "年龄" in err  # age tags follow the birth date
    run(capsys, "--db", demo_db.url, "tags", "unassign", "empty_nest", person.id_number)
    with demo_db.sessions() as session:
        assert "空巢老人" not in [t["name"] for t in lookup(session, person.id_number, actor="t")["tags"]]
    code, out, _ = run(capsys, "--db", demo_db.url, "tags", "list")
    assert "empty_nest" in out and "elderly_60" in out
    code, _, err = run(capsys, "--db", demo_db.url, "tags", "add", "empty_nest", "独居老人")
    assert code == 1 and "已在使用（名称“空巢老人”）" in err and "--update" in err  # no silent rename
    code, out, _ = run(capsys, "--db", demo_db.url, "tags", "add", "empty_nest", "独居老人", "--update")
    assert code == 0 and json.loads(out)["name"] == "独居老人"


def test_an_administrator_adds_a_template_without_a_code_change(capsys, demo_db, tmp_path):
    code, out, _ = run(capsys, "--db", demo_db.url, "templates", "--export", "TFCY")
    definition = yaml.safe_load(out)
    definition.update(code="ZXZM", title="在校生居住情况说明", serial_prefix="ZX")
    (tmp_path / "zxzm.yaml").write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    code, out, _ = run(capsys, "--db", demo_db.url, "templates", "--import", str(tmp_path / "zxzm.yaml"))
    assert code == 0 and json.loads(out)["code"] == "ZXZM"
    with demo_db.sessions() as session:
        row = session.get(CertificateTemplate, "ZXZM")
        assert row.edited_locally and row.title == "在校生居住情况说明"
    definition["serial_prefix"] = "TH"  # already TFCY's
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    code, _, err = run(capsys, "--db", demo_db.url, "templates", "--import", str(tmp_path / "bad.yaml"))
    assert code == 1 and "TH" in err


def test_the_centre_chooses_its_community_among_those_of_the_street(capsys, demo_db):
    code, out, _ = run(capsys, "--db", demo_db.url, "centre")
    shown = json.loads(out)
    assert (
        code == 0
        and shown["community_code"] == "610202010001"
        and shown["centre_name"] == "桃园社区党群服务中心"
    )
    assert len(shown["communities"]) > 1
    code, out, _ = run(capsys, "--db", demo_db.url, "centre", "--community", "610202010002")
    assert code == 0 and json.loads(out)["community_name"] == "新华社区"
    with demo_db.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "centre_community")).one()
        assert entry.detail == "610202010001 → 610202010002"
    code, out, err = run(capsys, "--db", demo_db.url, "centre", "--community", "999")
    assert code == 1 and out == "" and "999" in err and "610202010002 新华社区" in err
    with demo_db.sessions.begin() as session:  # nothing chosen and several to choose from
        session.delete(session.get(CentreSetting, COMMUNITY_SETTING))
    code, _, err = run(capsys, "--db", demo_db.url, "centre")
    assert code == 1 and "请设置本中心所属社区" in err and "yichuang centre --community" in err

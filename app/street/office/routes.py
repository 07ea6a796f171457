"""The street office's pages (docs/STREET.md): sign-in, the escalated cases, a case with its
timeline and the street's steps, joint meetings. Server-rendered, every form a plain POST that
works without script.

Security at the door of every page:
- only a signed-in street staff member's session cookie opens a page; a request that brings an
  API key (a community's or the street's) is refused with 403: keys are for programs;
- the cookie is HttpOnly, SameSite=Lax and Secure (``cookie_secure``, default on; off only for
  plain http on one machine, see docs/STREET.md);
- every POST carries the session's CSRF token (the sign-in form a token of its own, kept in a
  short-lived cookie beside it); one without it, or with another, is refused with 403 and
  changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable
from urllib.parse import parse_qsl, quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from app.services.cases.handling import UNIT_EVALUATIONS
from app.street.office import accounts, actions, cases, meetings, stats_pages
from app.street.office.accounts import SignInError, WebSession
from app.street.office.page import render
from app.street.store import StoreError

COOKIE = "yc_street_session"
LOGIN_COOKIE = "yc_street_login"
PATH = "/street"
MEETING_ROWS = 3  # case rows in the meeting form (more: record the meeting again)


class _Stop(Exception):
    """Answer with ``response`` instead of the page."""

    def __init__(self, response: Response):
        self.response = response


def _page(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(render(name, **context), status_code=status, headers={"Cache-Control": "no-store"})


def _refusal(status: int, message: str) -> HTMLResponse:
    return _page("office_refused.html", status, message=message, who=None, csrf="")


async def _form(request: Request) -> dict[str, str]:
    try:
        pairs = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise _Stop(_refusal(400, "表单内容无法读取")) from None
    return dict(pairs)


def add_routes(
    app: FastAPI, sessions: sessionmaker[Session], *, today: Callable[[], dt.date], cookie_secure: bool
) -> None:
    def set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path=PATH, secure=cookie_secure, httponly=True, samesite="lax"
        )

    def signed_in(request: Request) -> WebSession:
        if request.headers.get("authorization"):
            raise _Stop(_refusal(403, "街道工作台须由街道工作人员登录使用，不接受 API 密钥"))
        web = accounts.resolve(sessions, request.cookies.get(COOKIE, ""))
        if web is None:
            raise _Stop(RedirectResponse(f"{PATH}/login", status_code=303))
        request.state.community = f"user:{web.who.username}"
        return web

    async def posted(request: Request) -> tuple[WebSession, dict[str, str]]:
        web = signed_in(request)
        form = await _form(request)
        if not accounts.csrf_ok(web, form.get("csrf", "")):
            raise _Stop(_refusal(403, "表单已失效（缺少或错误的校验码），未做任何更改。请返回页面重新提交。"))
        return web, form

    def guarded(handler):
        @functools.wraps(handler)
        async def run(request: Request, **kwargs):
            try:
                return await handler(request, **kwargs)
            except _Stop as stop:
                return stop.response

        return run

    @app.get(f"{PATH}/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_form(request: Request):
        if request.headers.get("authorization"):
            return _refusal(403, "街道工作台须由街道工作人员登录使用，不接受 API 密钥")
        token = secrets.token_urlsafe(24)
        response = _page("office_login.html", csrf=token, who=None, error="", username="")
        set_cookie(response, LOGIN_COOKIE, token, 1800)
        return response

    @app.post(f"{PATH}/login", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def login(request: Request):
        form = await _form(request)
        expected = request.cookies.get(LOGIN_COOKIE, "")
        sent = form.get("csrf", "")
        if not expected or not secrets.compare_digest(expected.encode(), sent.encode("utf-8", "replace")):
            return _refusal(403, "登录表单已失效（缺少或错误的校验码），请重新打开登录页。")
        username = form.get("username", "").strip()
        try:
            web = await run_in_threadpool(accounts.sign_in, sessions, username, form.get("password", ""))
        except SignInError as exc:
            return _page(
                "office_login.html", 401, csrf=sent, who=None, error=str(exc), username=username[:40]
            )
        response = RedirectResponse(f"{PATH}/cases", status_code=303)
        set_cookie(response, COOKIE, web.token, accounts.SESSION_HOURS * 3600)
        response.delete_cookie(LOGIN_COOKIE, path=PATH)
        return response

    @app.post(f"{PATH}/logout", include_in_schema=False)
    @guarded
    async def logout(request: Request):
        web, _form_ = await posted(request)
        accounts.sign_out(sessions, web.token)
        response = RedirectResponse(f"{PATH}/login", status_code=303)
        response.delete_cookie(COOKIE, path=PATH)
        return response

    @app.get(f"{PATH}/cases", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def case_list(request: Request):
        web = signed_in(request)
        query = request.query_params
        show = query.get("show", "waiting")
        show = show if show in cases.FILTERS else "waiting"
        community, search = query.get("community", "")[:15], query.get("q", "")[:40]
        overdue = query.get("overdue") == "1"
        rows = await run_in_threadpool(
            cases.list_cases,
            sessions,
            web.who,
            today(),
            show=show,
            community=community,
            overdue=overdue,
            search=search,
        )
        with sessions() as session:
            communities = cases.street_communities(session, web.who.street)
        return _page(
            "office_cases.html",
            who=web.who,
            csrf=web.csrf,
            rows=rows,
            filters=cases.FILTERS,
            show=show,
            communities=communities,
            community=community,
            overdue=overdue,
            search=search,
            today=today(),
        )

    def case_page(
        web: WebSession, uuid: str, status: int = 200, *, error: str = "", done: str = "", typed=None
    ):
        view = cases.case_view(sessions, web.who, uuid, today())
        with sessions() as session:
            communities = cases.street_communities(session, web.who.street)
        steps = actions.allowed(web.who, view.status_code, view.row.with_street, bool(view.escalated_from))
        return _page(
            "office_case.html",
            status,
            who=web.who,
            csrf=web.csrf,
            view=view,
            steps=steps,
            labels=actions.ACTIONS,
            evaluations=UNIT_EVALUATIONS,
            transfer_to={
                c: n for c, n in communities.items() if c != (view.escalated_from or view.origin_code)
            },
            error=error,
            done=actions.ACTIONS.get(done, ""),
            typed=typed or {},
        )

    @app.get(PATH + "/cases/{uuid}", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def case_detail(request: Request, uuid: str):
        web = signed_in(request)
        try:
            return await run_in_threadpool(case_page, web, uuid, done=request.query_params.get("done", ""))
        except StoreError as exc:
            return _page("office_refused.html", exc.status_code, message=str(exc), who=web.who, csrf=web.csrf)

    steps = {
        "accept": lambda who, uuid, f: actions.accept(sessions, who, uuid, f.get("note", "")),
        "assign": lambda who, uuid, f: actions.assign(
            sessions, who, uuid, f.get("department", ""), f.get("note", "")
        ),
        "answer": lambda who, uuid, f: actions.answer(sessions, who, uuid, f.get("note", "")),
        "return": lambda who, uuid, f: actions.return_case(sessions, who, uuid, f.get("note", "")),
        "transfer": lambda who, uuid, f: actions.transfer(
            sessions, who, uuid, f.get("community", ""), f.get("note", "")
        ),
        "close": lambda who, uuid, f: actions.close(sessions, who, uuid, f.get("note", "")),
        "evaluate": lambda who, uuid, f: actions.evaluate(
            sessions, who, uuid, f.get("evaluation", ""), f.get("note", "")
        ),
    }

    @app.post(PATH + "/cases/{uuid}/{step}", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def case_step(request: Request, uuid: str, step: str):
        web, form = await posted(request)
        if step not in steps:
            return _refusal(404, "没有这个操作")
        try:
            await run_in_threadpool(steps[step], web.who, uuid, form)
        except StoreError as exc:
            # What was typed comes back in the form with the reason: nothing is lost.
            try:
                typed = {"step": step, **{k: v for k, v in form.items() if k != "csrf"}}
                return await run_in_threadpool(
                    case_page, web, uuid, exc.status_code, error=str(exc), typed=typed
                )
            except StoreError as missing:
                return _page(
                    "office_refused.html",
                    missing.status_code,
                    message=str(missing),
                    who=web.who,
                    csrf=web.csrf,
                )
        return RedirectResponse(f"{PATH}/cases/{quote(uuid)}?done={step}", status_code=303)

    def meetings_page(web: WebSession, status: int = 200, *, error: str = "", done: bool = False, typed=None):
        listed = meetings.list_meetings(sessions, web.who)
        linkable = cases.list_cases(sessions, web.who, today(), show="all")
        return _page(
            "office_meetings.html",
            status,
            who=web.who,
            csrf=web.csrf,
            meetings=listed,
            linkable=linkable,
            rows=range(MEETING_ROWS),
            error=error,
            done=done,
            typed=typed or {},
            today=today(),
        )

    @app.get(f"{PATH}/meetings", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def meeting_list(request: Request):
        web = signed_in(request)
        return await run_in_threadpool(meetings_page, web, done=request.query_params.get("done") == "1")

    @app.post(f"{PATH}/meetings", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def meeting_record(request: Request):
        web, form = await posted(request)
        links = [
            meetings.Link(
                form.get(f"case{i}", ""),
                form.get(f"owner{i}", ""),
                form.get(f"due{i}", ""),
                form.get(f"task{i}", ""),
            )
            for i in range(MEETING_ROWS)
        ]
        try:
            await run_in_threadpool(
                lambda: meetings.record_meeting(
                    sessions,
                    web.who,
                    title=form.get("title", ""),
                    held_on=form.get("held_on", ""),
                    place=form.get("place", ""),
                    attendees=form.get("attendees", ""),
                    decisions=form.get("decisions", ""),
                    links=links,
                )
            )
        except StoreError as exc:
            typed = {k: v for k, v in form.items() if k != "csrf"}
            return await run_in_threadpool(meetings_page, web, exc.status_code, error=str(exc), typed=typed)
        return RedirectResponse(f"{PATH}/meetings?done=1", status_code=303)

    stats_pages.add_routes(app, sessions, today=today, signed_in=signed_in, guarded=guarded, page=_page)

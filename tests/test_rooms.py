"""Follow mode (dashboards.rooms): a teacher's frames reach the class, newest first; codes
are short and unambiguous; a class of followers takes a bounded share of the server; a
tab that follows shows the teacher's run and leaves to go on alone."""

from __future__ import annotations

import threading

import ipyvuetify as v
import test_dashboard as dash

from dashboards import drawing, follow, rooms, state
from sim.i18n import t
from sim.model import NetworkMarketingModel

fresh_state = dash.fresh_state  # the dashboard's state as a new tab finds it (autouse)
page = dash.page  # the rendered page (a fixture)


def teachers_model() -> NetworkMarketingModel:
    """A model of the run every new page shows (the teacher's, in these tests)."""
    return NetworkMarketingModel(state.FIRST_VIEW.params, seed=state.FIRST_VIEW.seed)


def test_a_follower_gets_the_newest_frame_and_skips_the_rest():
    room = rooms.open_room()
    model = teachers_model()
    frames = []
    for _ in range(3):
        model.step()
        view = drawing.view_at(model)
        frames.append(view)
        room.publish(view)
    seen, view = room.next_frame(-1, timeout=1)
    assert view is frames[-1]  # weeks 1 and 2 were skipped, not queued
    assert room.next_frame(seen, timeout=0.05) == (seen, None)  # nothing new
    rooms.close_room(room)
    assert rooms.find(room.code) is None
    assert room.next_frame(seen, timeout=5)[1] is None  # a closed room answers at once


def test_a_waiting_follower_wakes_when_the_teacher_publishes():
    room = rooms.open_room()
    got = []
    waiter = threading.Thread(target=lambda: got.append(room.next_frame(0, timeout=30)))
    waiter.start()
    view = state.FIRST_VIEW
    room.publish(view)
    waiter.join(timeout=30)
    assert got == [(1, view)]
    rooms.close_room(room)


def test_room_codes_are_short_unambiguous_and_distinct():
    opened = [rooms.open_room() for _ in range(50)]
    codes = {room.code for room in opened}
    assert len(codes) == 50
    assert all(len(c) == rooms.CODE_LENGTH and not set(c) & set("IO01") for c in codes)
    code = opened[0].code
    assert rooms.find(f" {code.lower()} ") is opened[0]  # read off a projector, typed
    for room in opened:
        rooms.close_room(room)


def test_the_address_names_the_room():
    assert rooms.code_in_address("follow=ab2c") == "AB2C"
    assert rooms.code_in_address("lang=de&follow=XY7Z") == "XY7Z"
    assert rooms.code_in_address("lang=de") is None
    assert rooms.code_in_address(None) is None


def test_a_class_of_followers_takes_half_a_core_while_the_teacher_plays():
    """Each follower waits after a frame so that 30 of them, each rendering a frame in
    20 ms, together render for about half a second per second."""
    render = 0.02
    followers = 30
    busy_share = followers * render / (render + rooms.pace(render, followers))
    assert busy_share <= rooms.FOLLOWERS_CPU
    assert rooms.pace(render, 1) < 0.1  # one follower sees Play smoothly


def test_a_tab_follows_the_teacher_and_leaves_to_go_on_alone(page):
    box, rc = page
    room = rooms.open_room()
    teacher = teachers_model()
    room.publish(drawing.view_at(teacher))
    follow.follow(room.code)
    dash.wait_for(lambda: dash.button(rc, t("room.leave")), "the follower's panel")
    assert not rc.find(v.Btn, children=[t("ui.step")]).widgets  # no controls of its own
    for _ in range(2):
        teacher.step()
    room.publish(drawing.view_at(teacher))
    dash.wait_for(lambda: state.view.value.week == 2, "the teacher's week 2")
    dash.wait_for(lambda: t("ui.week_of", week=2, weeks=teacher.params.simulation.weeks)
                  in dash.all_texts(box), "the page to show week 2")  # fmt: skip
    assert state.model.value is None  # a follower runs no model

    dash.button(rc, t("room.leave")).click()
    dash.button(rc, t("ui.step")).click()
    assert state.view.value.week == 3
    assert state.model.value.params == teacher.params  # the teacher's run, going on alone
    assert teacher.week == 2
    rooms.close_room(room)


def test_a_code_that_names_no_room_says_so(page):
    box, _ = page
    follow.follow("QQQQ")
    assert rooms.following.value is None
    dash.wait_for(lambda: t("room.unknown", code="QQQQ") in dash.all_texts(box),
                  "the message that there is no such room")  # fmt: skip


def test_the_address_code_is_decoded_and_shown_safely(page):
    """The message used to repeat the address's raw text (%2Fetc%2Fpasswd); a control
    or bidirectional character is escaped, a long one cut short (issue 20)."""
    assert rooms.code_in_address("follow=%2Fetc%2Fpasswd") == "/ETC/PASSWD"
    assert rooms.code_in_address("?follow=ab2c") == "AB2C"
    assert rooms.code_in_address("follow=" + "x" * 20_000) is None  # not read at all
    for raw, shown in [
        ("follow=%2Fetc%2Fpasswd", "/ETC/PASSWD"),
        ("follow=AB%E2%80%AECD", "AB\\u202eCD"),
        ("follow=AB%00CD", "AB\\x00CD"),
        ("follow=" + "Z" * 500, "Z" * 57 + "..."),
    ]:
        rooms.from_address.value = rooms.missing.value = None
        follow.follow_address(raw)
        assert rooms.missing.value == shown, raw


def test_sharing_publishes_every_step_to_the_room(page):
    _, rc = page
    dash.button(rc, t("room.share")).click()
    room = rooms.hosting.value
    assert room is not None and room.view.week == 0
    dash.button(rc, t("ui.step")).click()
    assert room.view is state.view.value and room.view.week == 1
    dash.button(rc, t("room.stop")).click()
    assert rooms.find(room.code) is None

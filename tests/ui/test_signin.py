"""Sign-in and lock: failures never say which part was wrong; lock clears patient data."""

from __future__ import annotations

from typing import Any

from textual import events

from frontdesk.screens.schedule import ScheduleScreen
from frontdesk.screens.signin import SignInScreen
from tests.conftest import Clinic
from tests.ui.conftest import PASSWORD, make_app, screen_text, settle, sign_in


async def test_wrong_password_and_unknown_user_read_the_same(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "ana", "wrong password")
        assert isinstance(app.screen, SignInScreen)
        wrong_password = [line for line in screen_text(app).splitlines() if "! " in line]
        app.screen.query_one("#username").value = ""  # type: ignore[attr-defined]
        app.screen.query_one("#username").focus()
        await sign_in(pilot, "nobody", "wrong password")
        unknown_user = [line for line in screen_text(app).splitlines() if "! " in line]
    assert wrong_password == unknown_user
    assert "Username or password is not right" in wrong_password[0]


async def test_sign_in_opens_todays_schedule_and_lock_clears_it(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Lindqvist", "Björn"), 11, 0)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert "Lindqvist, Björn" in screen_text(app)
        assert "Tue 24 Nov 2026 (today)" in screen_text(app)
        await pilot.press("slash", *"lind")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert len(app.screen_stack) == 2  # the default screen and sign-in only
        assert "Lindqvist" not in screen_text(app)
        assert app.staff is None


async def test_growing_delay_after_repeated_failures(clinic: Clinic) -> None:
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await sign_in(pilot, "ana", "wrong password")
            app.screen.query_one("#username").value = ""  # type: ignore[attr-defined]
            app.screen.query_one("#username").focus()
        assert "Wait 2 s before trying" in screen_text(app)
        await sign_in(pilot)  # the right password, but too soon
        assert isinstance(app.screen, SignInScreen)
        assert "try again in" in screen_text(app)


async def test_provider_filter_and_day_keys(clinic: Clinic) -> None:
    clinic.book(clinic.add_patient("Okafor-Patient", "Ann"), 10, 30)
    clinic.book(clinic.add_patient("Patel-Patient", "Bo"), 11, 0, provider_id=clinic.provider2_id)
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("p", "2")  # 0 everyone, 1 Okafor, 2 Patel
        await settle(pilot)
        text = screen_text(app)
        assert "PATEL ONLY" in text
        assert "Patel-Patient, Bo" in text
        assert "Okafor-Patient" not in text
        await pilot.press("p", "0", "right")
        await settle(pilot)
        text = screen_text(app)
        assert "Wed 25 Nov 2026" in text
        assert "PATEL ONLY" not in text
        await pilot.press("t")
        await settle(pilot)
        assert "Okafor-Patient, Ann" in screen_text(app)


async def test_sign_in_typed_in_one_burst_keeps_the_password_in_order(clinic: Clinic) -> None:
    """Username, Enter and password in one packet, as a paste or a slow link sends them.

    The keys behind Enter were handed to the username field before Enter moved
    focus; more keys arrive at the very moment focus moves. The password must
    still reach sign-in in the order typed, not rotated.
    """
    app = make_app(clinic)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        driver = app._driver
        assert driver is not None
        screen = app.screen
        head, tail = PASSWORD[:3], PASSWORD[3:]
        sent_tail = False
        focus_next = screen.focus_next

        def focus_moved(*args: Any, **kwargs: Any) -> Any:
            nonlocal sent_tail
            moved = focus_next(*args, **kwargs)
            if not sent_tail:
                sent_tail = True  # the rest of the packet, read as focus moves
                for char in tail:
                    app.post_message(events.Key(char, char))
                app.post_message(events.Key("enter", "\r"))
            return moved

        screen.focus_next = focus_moved  # type: ignore[method-assign]
        for char in "ana":
            driver.send_message(events.Key(char, char))
        driver.send_message(events.Key("enter", "\r"))
        for char in head:
            driver.send_message(events.Key(char, char))
        await settle(pilot)
        assert sent_tail
        assert isinstance(app.screen, ScheduleScreen), screen_text(app)

"""Which browsers get the phone-sized number canvas (ui.touch)."""

import pytest

from ui.touch import is_phone

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")
ANDROID_PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/126.0.0.0 Mobile Safari/537.36")
ANDROID_TABLET = ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Safari/537.36")
DESKTOP = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")


@pytest.mark.parametrize("agent", [IPHONE, ANDROID_PHONE])
def test_a_phones_browser_is_taken_for_a_phone(agent):
    assert is_phone(agent)


@pytest.mark.parametrize("agent", [ANDROID_TABLET, DESKTOP, ""])
def test_a_tablet_a_desktop_or_no_user_agent_keeps_the_wide_number_canvas(agent):
    assert not is_phone(agent)

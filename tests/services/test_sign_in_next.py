"""Where sign-in sends the user afterwards: back to the page they asked for, never to
another site (an open redirect on a clinic's sign-in page is a phishing tool)."""

import pytest

from odcp.services.sign_in import local_path


@pytest.mark.parametrize("target", ["/book?doctor=1", "/appointments/7/room", "/",
                                    "/doctors?q=heart%20rhythm&sort=soonest"])
def test_a_path_on_this_site_is_kept(target):
    assert local_path(target) == target


@pytest.mark.parametrize("target", [None, "", "https://evil.example/login", "//evil.example",
                                    "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
                                    "book", "/book\r\nSet-Cookie: x=1", "/\x00"])
def test_anything_else_goes_to_the_default(target):
    assert local_path(target, "/account") == "/account"

"""The request log never holds a path's secret: an asker's follow link, a password-reset token."""

from tongban.core.middleware import loggable_path


def test_secrets_in_paths_are_left_out_and_other_paths_kept():
    assert loggable_path("/questions/follow/AbC-123_xyz/") == "/questions/follow/***/"
    api = "/api/v1/questions/follow/AbC-123_xyz/rating"
    assert loggable_path(api) == "/api/v1/questions/follow/***/rating"
    assert loggable_path("/password-reset/MTI/c4k-0a1b2c/") == "/password-reset/MTI/***/"
    assert loggable_path("/questions/8f3a9c1d2e/") == "/questions/8f3a9c1d2e/"
    assert loggable_path("/cases/apply/W-123/") == "/cases/apply/W-123/"

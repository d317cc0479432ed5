"""The same-day cut-off is checked at start-up, not at the first 即办件."""

from tongban.core.checks import same_day_cutoff_is_a_time


def test_a_valid_cutoff_passes(settings):
    settings.SAME_DAY_CUTOFF = "16:00"
    assert same_day_cutoff_is_a_time(None) == []


def test_a_mistyped_cutoff_is_an_error_naming_the_variable(settings):
    for value in ["1600", "24:00", "16:60", "", "4 pm"]:
        settings.SAME_DAY_CUTOFF = value
        errors = same_day_cutoff_is_a_time(None)
        assert [e.id for e in errors] == ["tongban.E002"], value
        assert "TONGBAN_SAME_DAY_CUTOFF" in errors[0].hint


def test_deadline_thresholds_must_be_whole_numbers_in_range(settings):
    from tongban.core.checks import deadline_thresholds_are_numbers

    settings.DEADLINE_YELLOW_PERCENT, settings.DEADLINE_YELLOW_DAYS = "20", "1"
    assert deadline_thresholds_are_numbers(None) == []
    settings.DEADLINE_YELLOW_PERCENT, settings.DEADLINE_YELLOW_DAYS = "120", "-1"
    errors = deadline_thresholds_are_numbers(None)
    assert [e.msg for e in errors] == [
        "TONGBAN_DEADLINE_YELLOW_PERCENT=“120”无效。",
        "TONGBAN_DEADLINE_YELLOW_DAYS=“-1”无效。",
    ]


def test_presentation_minutes_must_be_a_whole_number_from_1_to_30(settings):
    from tongban.core.checks import presentation_minutes_in_range

    for value in ["1", "5", "30"]:
        settings.PRESENTATION_MINUTES = value
        assert presentation_minutes_in_range(None) == [], value
    for value in ["0", "31", "-5", "2.5", "five", ""]:
        settings.PRESENTATION_MINUTES = value
        errors = presentation_minutes_in_range(None)
        assert [(e.id, e.msg) for e in errors] == [
            (
                "tongban.E004",
                f"TONGBAN_PRESENTATION_MINUTES=“{value}”无效：亮证码的有效时间应为 1 到 30 分钟。",
            )
        ], value
        assert "TONGBAN_PRESENTATION_MINUTES" in errors[0].hint

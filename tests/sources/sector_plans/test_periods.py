"""Plan periods from real Planipolis titles (every title below is from the real list)."""

import pytest

from sources.sector_plans.periods import PeriodError, parse_plan_period


@pytest.mark.parametrize(
    ("title", "start", "end", "other"),
    [
        ("Uruguay. Plan de desarrollo educativo 2020-2024", 2020, 2024, None),
        ("Tertiary education strategy 2010-15", 2010, 2015, None),
        ("Medium Term Strategic Plan 2010/11-2012/13", 2010, 2013, None),
        (
            "National strategic plan for pre-university education reform in Egypt 2007/08-2011/12",
            2007,
            2012,
            None,
        ),
        (
            "Programme national de développement du secteur éducatif 2001/2010 PNDSE",
            2001,
            2010,
            None,
        ),
        ("Education sector strategic plan 2018/19 to 2023/24", 2018, 2024, None),
        (
            "National education strategic plan for Afghanistan 1385-1389 [2007-2011]",
            2007,
            2011,
            "solar_hijri 1385-1389",
        ),
        (
            "National Education Strategic Plan for Afghanistan 1389-1393/2010-2014 - draft",
            2010,
            2014,
            "solar_hijri 1389-1393",
        ),
        (
            "Technical and Vocational Education Reform Strategic Plan 2080-2089 BS [2023-2032]",
            2023,
            2032,
            "bikram_sambat 2080-2089",
        ),
        (
            "School Sector Development Plan 2016/17-2022/23 (BS 2073/74-2079/80)",
            2016,
            2023,
            "bikram_sambat 2073/74-2079/80",
        ),
        (
            "The National Scheme of Education B.E. 2560-2579 (2017-2036) [Thai]",
            2017,
            2036,
            "buddhist 2560-2579",
        ),
        (
            "Education Sector Development Programme V 2008 - 2012 E.C. 2015/16 - 2019/20 G.C.",
            2015,
            2020,
            "ethiopian 2008 - 2012",
        ),
        (
            "Appui au système éducatif haïtien ... Covid-19 Juin 2020- Novembre 2021",
            2020,
            2021,
            None,
        ),
    ],
)
def test_real_title_forms(title, start, end, other):
    period = parse_plan_period(title)
    assert (period.start_year, period.end_year, period.other_calendar_label) == (start, end, other)
    assert period.calendar == "gregorian" and not period.converted


def test_only_a_non_gregorian_range_is_converted_and_flagged():
    period = parse_plan_period("National Literacy Action Plan 1391- 1394")
    assert (period.start_year, period.end_year) == (2012, 2016)
    assert period.converted and period.calendar == "solar_hijri"


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Interim basic education strategy", "no_period_in_title"),
        ("Action plan for education 2017", "no_period_in_title"),
        ("Annual Operational Plan 2020/1399", "implausible_period"),
        ("Plan 2000-2090", "implausible_period"),
    ],
)
def test_titles_without_a_usable_period(title, code):
    with pytest.raises(PeriodError) as info:
        parse_plan_period(title)
    assert info.value.code == code

"""The citizen's journey required by issue 2: search 社保 on the home page, open the guide of a
社会保障卡 item, see its materials; on a desktop and on a phone, and the search form by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MATERIALS = ["居民身份证", "近期一寸免冠白底彩色照片", "社会保障卡申领登记表", "居民户口簿"]


def search_social_security_and_read_the_materials(portal) -> None:
    page = portal.visit("/")
    portal.check()

    page.get_by_label("搜索办事事项").fill("社保")
    page.get_by_role("button", name="搜索").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=%E7%A4%BE%E4%BF%9D$"))
    expect(page.get_by_role("heading", level=3, name="社会保障卡申领")).to_be_visible()
    portal.check()

    page.get_by_role("link", name="武汉市人力资源和社会保障局").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("社会保障卡申领")
    materials = page.get_by_role("table", name="申请材料清单（共 4 项）")
    for row, name in zip(materials.get_by_role("rowheader").all(), MATERIALS, strict=True):
        expect(row).to_contain_text(name)
    expect(materials.get_by_text("可用电子证照免提交：居民身份证")).to_be_visible()
    portal.check()


def test_search_on_the_home_page_then_read_the_guide_materials(portal, catalog):
    search_social_security_and_read_the_materials(portal)

    assert len(portal.checked) == 3


def test_the_same_journey_fits_a_phone_screen(phone_portal, catalog):
    search_social_security_and_read_the_materials(phone_portal)

    page_width = phone_portal.page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 375


def test_the_search_form_works_by_keyboard_alone(portal, catalog):
    page = portal.visit("/search/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    expect(page.get_by_label("关键词")).to_be_focused()
    page.keyboard.type("sbk")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("共找到 1 个事项（关键词“sbk”）。")
    expect(page).to_have_url(re.compile(r"/search/\?q=sbk$"))
    expect(page.get_by_label("关键词")).to_be_focused()
    portal.check()


def test_changing_a_filter_swaps_only_the_results(portal, catalog):
    page = portal.visit("/search/")
    page.evaluate("document.getElementById('id_q').dataset.marker = 'kept'")

    page.get_by_label("主题").select_option(label="公积金")

    expect(page.get_by_role("status")).to_have_text("共找到 1 个事项。")
    expect(page.get_by_role("heading", level=3)).to_have_text(["住房公积金提取"])
    expect(page).to_have_url(re.compile(r"/search/\?theme=housing_fund$"))
    assert page.evaluate("document.getElementById('id_q').dataset.marker") == "kept"
    portal.check()


def test_every_portal_page_passes_axe(portal, catalog):
    wuhan, basic_code = catalog.wuhan.code, catalog.card.basic_code
    pages = [
        (f"/items/{basic_code}/where/", 200),
        (f"/items/{basic_code}/best/", 200),
        ("/agreements/", 200),
        (f"/agreements/{catalog.agreement.pk}/", 200),
        ("/list/", 200),
        (f"/kiosks/{catalog.kiosk.serial}/", 200),
        (f"/guide/{wuhan}/v1/", 200),
        ("/search/?q=火星移民", 200),
        ("/guide/NOPE/", 404),
    ]
    for path, status in pages:
        page = portal.visit(path, status=status)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        portal.check()

    assert len(portal.checked) == len(pages)


def test_the_skip_link_moves_focus_to_the_main_content(portal, catalog):
    page = portal.visit("/")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()

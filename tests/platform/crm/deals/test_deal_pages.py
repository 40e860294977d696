"""Deal pages over real HTTP: the board with its sums, moving between stages, the lost reason,
product lines adding up, the table view, and another workspace's deal unreachable."""

import re

from tests.platform.conftest import new_browser, sign_in  # noqa: F401
from tests.platform.crm.contacts.test_contact_pages import base, owner  # noqa: F401


def stage_ids(board_html: str) -> list[str]:
    return re.findall(r'class="cards" data-stage="([0-9a-f-]+)"', board_html)


def column_of(board_html: str, stage: str) -> str:
    start = board_html.index(f'data-stage="{stage}"')
    end = board_html.find('class="cards"', start + 20)
    return board_html[start : end if end > 0 else None]


async def test_a_deal_is_created_moved_and_summed_on_the_board(owner):  # noqa: F811
    workspace, browser, csrf = owner
    board = await browser.get(f"{base(workspace)}/deals")
    assert board.status_code == 200
    stages = stage_ids(board.text)
    assert len(stages) >= 3

    created = await browser.post(
        f"{base(workspace)}/deals",
        data={"csrf_token": csrf, "title": "Wedding hair", "amount": "1 500,50",
              "stage_id": stages[0]},
    )  # fmt: skip
    assert created.status_code == 302, created.text
    deal_id = created.headers["location"].rsplit("/", 1)[1]
    board = await browser.get(f"{base(workspace)}/deals")
    first = column_of(board.text, stages[0])
    assert "Wedding hair" in first and "1,500.50" in first

    moved = await browser.post(
        f"{base(workspace)}/deals/{deal_id}/move",
        data={"csrf_token": csrf, "stage_id": stages[1]},
    )
    assert moved.status_code == 302
    board = await browser.get(moved.headers["location"])
    assert "moved" in board.text
    assert "Wedding hair" in column_of(board.text, stages[1])
    assert "Wedding hair" not in column_of(board.text, stages[0])

    table = await browser.get(f"{base(workspace)}/deals?view=table")
    assert "Wedding hair" in table.text


async def test_losing_a_deal_needs_a_reason(owner, client):  # noqa: F811
    workspace, browser, csrf = owner
    pipelines = await client.get("/api/v1/pipelines", headers=workspace["headers"])
    stages = pipelines.json()["items"][0]["stages"]
    lost = next(stage["id"] for stage in stages if stage["kind"] == "lost")
    created = await browser.post(
        f"{base(workspace)}/deals", data={"csrf_token": csrf, "title": "Haircut"}
    )
    deal_id = created.headers["location"].rsplit("/", 1)[1]
    refused = await browser.post(
        f"{base(workspace)}/deals/{deal_id}/move",
        data={"csrf_token": csrf, "stage_id": lost, "back": f"{base(workspace)}/deals/{deal_id}"},
    )
    card = await browser.get(refused.headers["location"])
    assert "Say why the deal was lost." in card.text
    done = await browser.post(
        f"{base(workspace)}/deals/{deal_id}/move",
        data={"csrf_token": csrf, "stage_id": lost, "lost_reason": "Too expensive",
              "back": f"{base(workspace)}/deals/{deal_id}"},
    )  # fmt: skip
    card = await browser.get(done.headers["location"])
    assert "Too expensive" in card.text


async def test_product_lines_make_the_deal_amount(owner):  # noqa: F811
    workspace, browser, csrf = owner
    created = await browser.post(
        f"{base(workspace)}/deals", data={"csrf_token": csrf, "title": "Colouring"}
    )
    url = created.headers["location"]
    lines = f"{url}/lines"
    first = await browser.post(
        lines,
        data={"csrf_token": csrf, "name": "Colour", "quantity": "2", "unit_price": "1200",
              "discount": "100"},
    )  # fmt: skip
    assert first.status_code == 302, first.text
    await browser.post(
        lines, data={"csrf_token": csrf, "name": "Mask", "quantity": "1", "unit_price": "350"}
    )
    card = await browser.get(url)
    assert "2,650.00" in card.text  # 2 x 1200 - 100 + 350
    bad = await browser.post(
        lines, data={"csrf_token": csrf, "name": "Oops", "quantity": "0", "unit_price": "1"}
    )
    assert bad.status_code == 422
    assert 'id="quantity-error"' in bad.text
    removed = await browser.post(lines, data={"csrf_token": csrf, "remove": "0"})
    assert removed.status_code == 302
    assert "350.00" in (await browser.get(url)).text


async def test_another_workspaces_deal_is_not_found(owner, make_workspace, client):  # noqa: F811
    workspace, browser, csrf = owner
    other = await make_workspace(company="Other Deals Shop")
    pipelines = await client.get("/api/v1/pipelines", headers=other["headers"])
    theirs = await client.post(
        "/api/v1/deals",
        json={"title": "Secret deal", "pipeline_id": pipelines.json()["items"][0]["id"]},
        headers=other["headers"],
    )
    assert theirs.status_code == 201, theirs.text
    their_id = theirs.json()["id"]
    assert (await browser.get(f"{base(workspace)}/deals/{their_id}")).status_code == 404
    moved = await browser.post(
        f"{base(workspace)}/deals/{their_id}/move",
        data={"csrf_token": csrf, "stage_id": pipelines.json()["items"][0]["stages"][1]["id"]},
    )
    assert moved.status_code == 404

"""What a user does on the page, for the browser tests."""

#: Seconds a cold page may take to become ready on a slow CI machine.
READY_TIMEOUT_MS = 90_000


def wait_ready(page):
    page.wait_for_selector(f'{sel("app-status")}[data-state="ready"]', timeout=READY_TIMEOUT_MS)


def sel(name: str) -> str:
    """The CSS selector of the element with ``data-testid=name``."""
    return f'[data-testid="{name}"]'


def draw(page, points):
    """Draw one stroke through ``points`` given in 0..1 canvas coordinates."""
    canvas = page.locator(sel("draw-canvas"))
    canvas.scroll_into_view_if_needed()  # as a user would: the labs sit far below
    box = canvas.bounding_box()
    xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for point in xy[1:]:
        page.mouse.move(*point, steps=2)
    page.mouse.up()

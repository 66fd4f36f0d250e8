"""Sign-ons over time as the numbers of a server-drawn SVG bar chart (no script, no library)."""

from datetime import timedelta

#: Up to this many days the chart has a bar per day; a longer span has a bar per week.
DAILY_UP_TO = 60
#: The drawing's size in SVG units; it scales to the width of the page.
WIDTH, HEIGHT = 640, 180
#: Room for the axis labels: left for the counts, bottom for the dates.
LEFT, BOTTOM, TOP = 36, 24, 8


def sign_on_series(days, today):
    """[(first day of the bucket, count)] from the first sign-on to today, by day or by week.

    `days` are the dates of the sign-ons (one per sign-on, in any order).
    """
    if not days:
        return []
    start, step = min(days), 1
    if (today - start).days >= DAILY_UP_TO:
        start, step = start - timedelta(days=start.weekday()), 7
    counts = {}
    for day in days:
        bucket = start + timedelta(days=(day - start).days // step * step)
        counts[bucket] = counts.get(bucket, 0) + 1
    series, bucket = [], start
    while bucket <= today:
        series.append((bucket, counts.get(bucket, 0)))
        bucket += timedelta(days=step)
    return series


def _nice_top(highest):
    """The top of the count axis: a round number at or above the highest bar."""
    for top in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if highest <= top:
            return top
    return highest


def bar_chart(series):
    """The geometry of the chart: bars, count ticks and a few date labels, in SVG units."""
    top = _nice_top(max((count for _day, count in series), default=0))
    plot_w, plot_h = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    step = plot_w / max(1, len(series))
    bars = []
    for index, (day, count) in enumerate(series):
        height = plot_h * count / top if top else 0
        bars.append(
            {
                "x": round(LEFT + index * step + step * 0.1, 1),
                "y": round(TOP + plot_h - height, 1),
                "width": round(max(step * 0.8, 1), 1),
                "height": round(height, 1),
                "day": day,
                "count": count,
            }
        )
    every = max(1, len(series) // 6)
    labels = [{"x": bar["x"], "day": bar["day"]} for bar in bars[::every]]
    values = sorted({0, top // 2, top})
    ticks = [{"y": round(TOP + plot_h - plot_h * value / top, 1), "value": value} for value in values]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "baseline": TOP + plot_h,
        "bars": bars,
        "labels": labels,
        "ticks": ticks if top else [],
        "total": sum(count for _day, count in series),
        "weekly": len(series) > 1 and (series[1][0] - series[0][0]).days == 7,
    }

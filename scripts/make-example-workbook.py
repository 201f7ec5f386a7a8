"""Writes data/bureau-example.xlsx: a wide table as a statistics bureau sends it (an indicator a
row, a year a column), with MADE-UP example values for the sample brief briefs/bureau-example.yaml.
Run again after changing the rows below; the workbook is committed."""
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "示例数据（虚构，仅演示宽表格式）"
ROWS = [
    ("规模以上工业增加值（示例）", "亿元", 120.5, 131.2, 138.0, 146.9, 158.3),
    ("社会消费品零售总额（示例）", "亿元", 95.1, 101.4, 104.2, 110.8, 117.5),
    ("城镇居民人均可支配收入（示例）", "元", 41230, 44105, 46380, 48920, 51360),
    ("森林覆盖率（示例）", "%", 66.1, 66.3, 66.4, 66.6, "约66.7"),
]


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "主要指标"
    sheet.append(["指标", "单位", "2020年", "2021年", "2022年", "2023年", "2024年", "来源"])
    for row in ROWS:
        sheet.append([*row, SOURCE])
    sheet.append([])
    sheet.append(["注：本表数值均为虚构的示例数据，不是上栗县的统计数字。"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 32
    book.properties.creator = "shangli-brief"
    book.save(ROOT / "data" / "bureau-example.xlsx")


if __name__ == "__main__":
    main()

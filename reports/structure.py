"""The standard structure of each report kind, in the seeds' order, and the document built from it.

A section is either computed (its blocks come from `reports.wording`), written in the browser (a
narrative key), or both. The edit form lists the narrative keys in this order; the PDF, the DOCX and the
preview are all built by `report_document`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from ntm_portal.text import official_spelling
from reports import charts, map_svg, wording
from reports.document import MISSING, Block, Chart, Document, Header, Heading, Paragraph
from reports.figures import ReportFigures
from reports.models import Report

Computed = Callable[[ReportFigures], list[Block]]


@dataclass(frozen=True)
class Section:
    marker: str
    title: str
    narrative: str = ""  # key of the text written in the browser, "" for none
    computed: tuple[Computed, ...] = ()
    children: tuple["Section", ...] = field(default=())
    # Its figures (and its children's) are the year's criterion results: a year without any says so once here
    reads_results: bool = False


def _next_targets(figures: ReportFigures) -> list[Block]:
    return wording.targets_blocks(figures.plan, next_year=figures.year + 1)


def criteria_charts(figures: ReportFigures) -> list[Block]:
    """The average over the years, one chart per set the years were judged on, and this year's bands."""
    runs = figures.history_by_scale() or ((),)
    caption = "Cột: số xã đạt chuẩn nông thôn mới (lũy kế); đường: bình quân tiêu chí/xã."
    averages = [
        Chart(
            title="Bình quân số tiêu chí đạt/xã qua các năm"
            + (f" ({_years(run)}, bộ {run[0].criteria} tiêu chí)" if len(runs) > 1 else ""),
            svg=charts.average_over_years_svg(
                [(point.year, point.average) for point in run],
                maximum=run[0].criteria if run else figures.criteria_count or 1,
                recognised=[point.recognised for point in run],
            ),
            caption=caption,
        )
        for run in runs
    ]
    return [
        *averages,
        Chart(
            title=f"Số xã theo số tiêu chí đạt năm {figures.year}",
            svg=charts.bands_svg([(band.label, band.communes) for band in figures.partition]),
        ),
    ]


def map_chart(figures: ReportFigures) -> list[Block]:
    """The communes coloured by criteria met, when the year's communes have boundaries; nothing otherwise."""
    if figures.map is None:
        return []
    missing = figures.map.without_boundary
    return [
        Chart(
            title=f"Bản đồ các xã theo số tiêu chí đạt năm {figures.year}",
            svg=map_svg.communes_map_svg(figures.map, bands=figures.partition, criteria=figures.criteria_count),
            caption=f"Chưa có ranh giới: {wording.names_in_sentence(missing)}." if missing else "",
        ),
        *wording.map_names_blocks(figures),
    ]


def _years(run) -> str:
    return f"năm {run[0].year}" if len(run) == 1 else f"{run[0].year}-{run[-1].year}"


def funding_chart(figures: ReportFigures) -> list[Block]:
    lines = [(line.name, line.amount_vnd) for line in figures.funding.lines if line.depth == 0 and line.amount_vnd]
    if not lines:
        return []
    return [
        Chart(
            title="Cơ cấu nguồn vốn huy động",
            svg=charts.funding_svg(lines, total_vnd=figures.funding.total_vnd),
        )
    ]


def _with_funding(figures: ReportFigures) -> list[Block]:
    return wording.funding_blocks(figures) + funding_chart(figures)


# Section a) of the results: the set the year was judged on, then the communes recognised and the bands.
RECOGNITION = (wording.set_blocks, wording.recognition_blocks)

ANNUAL = (
    Section("I.", "Tình hình triển khai", children=(
        Section("1.", "Công tác truyền thông trong xây dựng nông thôn mới", narrative="communication"),
        Section("2.", "Thành lập, kiện toàn bộ máy chỉ đạo thực hiện Chương trình", narrative="organisation"),
        Section("3.", "Công tác chỉ đạo, điều hành", narrative="direction"),
        Section("4.", "Công tác đào tạo, tập huấn", narrative="training"),
        Section("5.", "Chương trình mỗi xã một sản phẩm (OCOP)", narrative="ocop"),
        Section("6.", "Phát triển sản xuất theo chuỗi giá trị", narrative="value_chains"),
        Section("7.", "Nguồn lực thực hiện Chương trình", narrative="funding", computed=(_with_funding,)),
        Section("8.", "Kết quả hỗ trợ các xã được phân công phụ trách", narrative="sponsors"),
        Section("9.", "Kết quả thực hiện Bộ tiêu chí xã nông thôn mới", reads_results=True, children=(
            Section("a)", "Kết quả đạt chuẩn xã nông thôn mới", computed=RECOGNITION),
            Section("b)", "Kết quả đạt bình quân tiêu chí", computed=(wording.average_blocks,)),
            Section("c)", "Kết quả thực hiện Bộ tiêu chí quốc gia về xã nông thôn mới",
                    computed=(wording.criteria_blocks, criteria_charts, map_chart, wording.evidence_blocks)),
        )),
    )),
    Section("II.", "Đánh giá chung", children=(
        Section("1.", "Những kết quả đã đạt được", narrative="achievements"),
        Section("2.", "Những tồn tại, hạn chế", narrative="shortcomings", computed=(wording.lost_blocks,)),
        Section("3.", "Nguyên nhân", narrative="causes"),
    )),
    Section("III.", "Phương hướng, nhiệm vụ và giải pháp năm {next}", children=(
        Section("1.", "Phương hướng, nhiệm vụ trọng tâm", narrative="next_direction", computed=(_next_targets,)),
        Section("2.", "Giải pháp thực hiện Chương trình", narrative="solutions"),
    )),
)  # fmt: skip

PHASE = (
    Section("I.", "Kết quả thực hiện giai đoạn {period}", children=(
        Section("1.", "Công tác chỉ đạo, điều hành và bộ máy", narrative="direction"),
        Section("2.", "Công tác truyền thông, đào tạo, tập huấn", narrative="communication"),
        Section("3.", "Huy động nguồn lực", narrative="funding", computed=(_with_funding,)),
        Section("4.", "Kết quả thực hiện Bộ tiêu chí xã nông thôn mới", reads_results=True, children=(
            Section("a)", "Kết quả đạt chuẩn xã nông thôn mới", computed=RECOGNITION),
            Section("b)", "Kết quả đạt bình quân tiêu chí", computed=(wording.average_blocks,)),
            Section("c)", "Kết quả theo từng tiêu chí",
                    computed=(wording.criteria_blocks, criteria_charts, map_chart, wording.evidence_blocks)),
        )),
    )),
    Section("II.", "Đánh giá chung", children=(
        Section("1.", "Kết quả nổi bật", narrative="achievements"),
        Section("2.", "Tồn tại, hạn chế và nguyên nhân", narrative="shortcomings", computed=(wording.lost_blocks,)),
        Section("3.", "Bài học kinh nghiệm", narrative="lessons"),
    )),
    Section("III.", "Mục tiêu, nhiệm vụ giai đoạn tiếp theo", children=(
        Section("1.", "Mục tiêu", narrative="next_direction", computed=(_next_targets,)),
        Section("2.", "Nhiệm vụ, giải pháp", narrative="solutions"),
    )),
    Section("IV.", "Kiến nghị, đề xuất", narrative="proposals"),
)  # fmt: skip

PLAN = (
    Section("I.", "Mục đích, yêu cầu", children=(
        Section("1.", "Mục đích", narrative="purpose"),
        Section("2.", "Yêu cầu", narrative="requirements"),
    )),
    Section("II.", "Mục tiêu", children=(
        Section("1.", "Thực trạng", computed=(wording.recognition_blocks, wording.average_blocks), reads_results=True),
        Section("2.", "Mục tiêu cụ thể", narrative="next_direction", computed=(_next_targets,)),
    )),
    Section("III.", "Nội dung, nhiệm vụ", narrative="tasks"),
    Section("IV.", "Tổ chức thực hiện", narrative="organisation"),
)  # fmt: skip

STRUCTURES = {Report.Kind.ANNUAL: ANNUAL, Report.Kind.PHASE: PHASE, Report.Kind.PLAN: PLAN}


def narrative_sections(kind: str) -> list[tuple[str, str]]:
    """(key, "I.1. Title") of every section written in the browser, in document order."""
    found = []

    def visit(sections, prefix):
        for section in sections:
            label = f"{prefix}{section.marker} {section.title}"
            if section.narrative:
                found.append((section.narrative, label))
            visit(section.children, f"{prefix}{section.marker}")

    visit(STRUCTURES[kind], "")
    return found


def report_document(report: Report, figures: ReportFigures) -> Document:
    titles = {"next": figures.year + 1, "period": f"{figures.start}-{figures.year}"}
    leave_out = report.omit_empty_sections

    def visit(sections, level, prefix) -> list[Block]:
        blocks: list[Block] = []
        for section in sections:
            title = section.title.format(**titles)
            without_results = section.reads_results and figures.assessed == 0
            content = (
                wording.results_missing(figures)
                if without_results
                else [block for compute in section.computed for block in compute(figures)]
            )
            text = report.narrative.get(section.narrative, "").strip() if section.narrative else ""
            # Staff type names as their keyboard places the tone marks; the report prints the code list's
            content += [
                Paragraph(official_spelling(paragraph.strip(), figures.unit_names), origin="narrative")
                for paragraph in text.split("\n")
                if paragraph.strip()
            ]
            if section.narrative and not content:
                content.append(wording.missing_narrative(f"{prefix}{section.marker} {title}"))
            if leave_out:
                content = [block for block in content if not (isinstance(block, Paragraph) and block.origin == MISSING)]
            children = [] if without_results else visit(section.children, level + 1, f"{prefix}{section.marker}")
            if leave_out and not content and not children:
                continue
            blocks.append(Heading(level, section.marker, title.upper() if level == 1 else title))
            blocks += content + children
        return blocks

    blocks = visit(STRUCTURES[report.kind], 1, "")
    return Document(
        header=report_header(report),
        blocks=tuple(blocks),
        closing=closing_sentence(report),
        appendix=(wording.summary_table(figures),) if report.kind != Report.Kind.PLAN else (),
        author=report_author(report),
    )


# A report rendered by `render_report` without --author has no user: an office scripting its reports.
COMMAND_LINE_AUTHOR = "Dòng lệnh (render_report)"


def report_author(report: Report) -> str:
    if report.created_by_id is None:
        return COMMAND_LINE_AUTHOR
    return report.created_by.get_full_name() or report.created_by.get_username()


KIND_TITLES = {Report.Kind.ANNUAL: "BÁO CÁO", Report.Kind.PHASE: "BÁO CÁO", Report.Kind.PLAN: "KẾ HOẠCH"}


def report_header(report: Report) -> Header:
    number = report.number.strip()
    return Header(
        parent_body=report.parent_body,
        issuing_body=report.issuing_body,
        number_symbol=f"Số: {number}/{report.symbol}" if number else f"Số:{' ' * 6}/{report.symbol}",
        place_date=place_date(report.place, report.issued_on),
        kind_title=KIND_TITLES[report.kind],
        subject=report.subject,
        recipients=tuple(
            line.strip().removeprefix("-").strip() for line in report.recipients.splitlines() if line.strip()
        ),
        signer_authority=_lines(report.signer_authority),
        signer_title=report.signer_title,
        signer_name=report.signer_name,
        issued_on=report.issued_on,
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def place_date(place: str, day: datetime.date | None) -> str:
    """ "Cao Bằng, ngày 05 tháng 3 năm 2020" (Decree 30: a leading 0 for days below 10 and months 1 and 2)."""
    if day is None:
        return f"{place}, ngày{' ' * 6}tháng{' ' * 6}năm {datetime.date.today().year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def closing_sentence(report: Report) -> str:
    kind = "Kế hoạch" if report.kind == Report.Kind.PLAN else "báo cáo"
    subject = " ".join(report.subject.split())
    subject = subject[0].lower() + subject[1:] if subject else ""
    return f"Trên đây là {kind} {subject}./."

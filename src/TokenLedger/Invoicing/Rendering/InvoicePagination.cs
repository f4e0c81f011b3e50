using static TokenLedger.Invoicing.Rendering.InvoicePage;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>One page's blocks, top to bottom, each with the y where it starts.</summary>
internal sealed record PlannedPage(IReadOnlyList<(Block Block, float Top)> Blocks);

/// <summary>
/// Splits an invoice into pages: the first page's header, then the table with its header row repeated on every
/// page, then the summary. The first summary block (the tax summary, then the totals) never sits alone on a page:
/// if it does not fit under the last line, that line moves to the next page with it.
/// </summary>
internal static class InvoicePagination
{
    public static IReadOnlyList<PlannedPage> Plan(Block first, Block continued, Block tableHeader, IReadOnlyList<Block> rows, IReadOnlyList<Block> summary)
    {
        var pages = new List<List<(Block, float)>>();
        List<(Block, float)> page = [];
        var y = Top;
        var rowsOnPage = 0;

        void Place(Block block)
        {
            page.Add((block, y));
            y += block.Height;
        }

        void NewPage(bool withTableHeader)
        {
            pages.Add(page);
            page = [];
            y = Top;
            Place(continued);
            if (withTableHeader) Place(tableHeader);
            rowsOnPage = 0;
        }

        Place(first);
        Place(tableHeader);
        for (var i = 0; i < rows.Count; i++)
        {
            if (y + rows[i].Height > ContentBottom && rowsOnPage > 0) NewPage(withTableHeader: true);
            var keepWithSummary = i == rows.Count - 1 && summary.Count > 0;
            if (keepWithSummary && y + rows[i].Height + summary[0].Height > ContentBottom && rowsOnPage > 1)
            {
                NewPage(withTableHeader: true);
            }

            Place(rows[i]);
            rowsOnPage++;
        }

        foreach (var block in summary)
        {
            if (y + block.Height > ContentBottom) NewPage(withTableHeader: false);
            Place(block);
        }

        pages.Add(page);
        return pages.Select(p => new PlannedPage(p)).ToList();
    }
}

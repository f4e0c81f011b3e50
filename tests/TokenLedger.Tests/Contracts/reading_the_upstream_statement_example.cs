using NodaTime;
using Shouldly;
using TokenLedger.Reconciliation;

namespace TokenLedger.Tests.Contracts;

/// <summary>contracts/examples/upstream-statement.csv, the one example that is not JSON, reads through the real statement reader.</summary>
public class reading_the_upstream_statement_example
{
    [Fact]
    public void the_example_reads_as_three_rows_without_errors()
    {
        var (rows, errors) = StatementCsv.Parse(ContractFiles.ExampleText("upstream-statement.csv"));

        errors.ShouldBeEmpty();
        rows.ShouldBe([
            new StatementRow(2, new LocalDate(2026, 6, 1), "deepseek-chat", 182_340_000, 96_120_000, 0, 24_010_000, 1154.27m),
            new StatementRow(3, new LocalDate(2026, 6, 1), "qwen-plus", 40_200_000, 0, 0, 8_800_000, 74.35m),
            new StatementRow(4, new LocalDate(2026, 6, 2), "deepseek-chat", 190_015_500, 101_230_000, 0, 25_770_000, 1213.90m),
        ]);
    }
}

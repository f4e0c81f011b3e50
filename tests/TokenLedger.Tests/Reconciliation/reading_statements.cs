using NodaTime;
using Shouldly;
using TokenLedger.Reconciliation;

namespace TokenLedger.Tests.Reconciliation;

public sealed class reading_statements
{
    [Fact]
    public void a_chinese_console_export_with_a_bom_quotes_and_thousands_separators_reads()
    {
        var (rows, errors) = StatementCsv.Parse("\uFEFF日期,模型,输入tokens(缓存命中),输入tokens(缓存未命中),输出tokens,金额\r\n" +
                                                "2026/06/01,deepseek-chat,\"1,000\",250,\"12,000\",¥3.50\r\n");
        errors.ShouldBeEmpty();
        rows.ShouldBe([new StatementRow(2, new LocalDate(2026, 6, 1), "deepseek-chat", 250, 1000, 0, 12000, 3.50m)]);
    }

    [Fact]
    public void openai_style_columns_in_any_order_read()
    {
        var (rows, _) = StatementCsv.Parse("cost,completion_tokens,model,prompt_tokens,date\n0.5,10,\"gpt, mini\",20,2026-06-02\n");
        rows.Single().ShouldBe(new StatementRow(2, new LocalDate(2026, 6, 2), "gpt, mini", 20, 0, 0, 10, 0.5m));
    }

    [Fact]
    public void every_bad_row_is_named_by_its_line()
    {
        var (_, errors) = StatementCsv.Parse("date,model,output_tokens,amount\n2026-06-01,m,1.5,1\n\n2026-06-02,,1,x\n");
        errors.ShouldBe([
            "line 2: output_tokens '1.5' is not a whole number of tokens 0 or more",
            "line 4: model is empty; amount 'x' is not a number such as 1234.56"]);
    }

    [Fact]
    public void a_header_without_a_token_column_is_refused()
    {
        StatementCsv.Parse("date,model,amount\n2026-06-01,m,1\n").Errors.Single().ShouldStartWith("line 1: the header must name");
        StatementCsv.Parse("").Errors.Single().ShouldStartWith("the file is empty");
    }
}

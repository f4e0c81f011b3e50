using Microsoft.Extensions.Logging;
using Shouldly;
using TokenLedger.Invoicing.ClosingPeriod;
using TokenLedger.Testing;

namespace TokenLedger.Tests.Invoicing;

/// <summary>Every period the automatic close leaves without an invoice, other than for having nothing to bill, is a warning naming the tenant, the period and why.</summary>
public class reporting_automatic_close_outcomes
{
    private const string Category = "TokenLedger.Invoicing.ClosingPeriod.AutomaticClose";

    public static TheoryData<CloseOutcome, string, string> GiveUps() => new()
    {
        { new CloseOutcome.NotFunded("3 of the 5 rated usage events to bill are not funded yet; retry in a few seconds"), "not funded", "3 of the 5 rated usage events" },
        { new CloseOutcome.NotEnded("period 2026-06 has not ended yet in Asia/Shanghai"), "not ended", "has not ended yet" },
        { new CloseOutcome.OtherCadence("tenant 'acme' is billed quarterly; 2026-06 is a monthly period"), "other cadence", "is billed quarterly" },
        { new CloseOutcome.TenantNotFound(), "tenant not found", "'acme' was not found" },
    };

    [Theory]
    [MemberData(nameof(GiveUps))]
    public void a_give_up_is_a_warning_with_the_tenant_the_period_and_the_reason(CloseOutcome outcome, string reason, string detail)
    {
        var logs = Report(outcome);

        var warning = logs.At(LogLevel.Warning, Category).ShouldHaveSingleItem();
        warning.State["TenantId"].ShouldBe("acme");
        warning.State["Period"].ShouldBe("2026-06");
        warning.State["Reason"].ShouldBe(reason);
        warning.Message.ShouldContain(detail);
    }

    [Fact]
    public void nothing_to_bill_is_not_a_warning()
    {
        var logs = Report(new CloseOutcome.NothingToBill());

        logs.Entries.ShouldNotContain(e => e.Level >= LogLevel.Warning);
        logs.At(LogLevel.Debug, Category).ShouldHaveSingleItem().State["TenantId"].ShouldBe("acme");
    }

    private static CapturedLogs Report(CloseOutcome outcome)
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        AutomaticClose.Report(factory.CreateLogger<AutomaticClose>(), "acme", "2026-06", outcome);
        return logs;
    }
}

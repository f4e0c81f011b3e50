using FluentValidation;
using NodaTime;
using Shouldly;
using TokenLedger.Balances.Recording;
using TokenLedger.Receivables.WritingOff;
using Xunit;

namespace TokenLedger.Tests.Balances;

/// <summary>Money moved by hand (an adjustment, refund, promotional credit or write-off) always says why, in at most 500 characters.</summary>
public sealed class requiring_a_reason
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 0, 0);

    private static IEnumerable<string> Errors<T>(AbstractValidator<T> validator, T command) => validator.Validate(command).Errors.Select(e => e.ErrorMessage);

    private static List<string> ReasonErrors(string command, string? reason) => (command switch
    {
        "adjustment" => Errors(new Adjust.Validator(), new Adjust(-5, "CNY", reason, null)),
        "refund" => Errors(new Refund.Validator(), new Refund(5, "CNY", reason, null)),
        "credit" => Errors(new GrantCredit.Validator(Now), new GrantCredit(5, "CNY", Now.Plus(Duration.FromDays(30)).ToDateTimeOffset(), 0, reason, null)),
        "write-off" => Errors(new WriteOff.Validator(), new WriteOff("TL-2026-000001", 5, reason, null)),
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    }).ToList();

    [Theory]
    [InlineData("adjustment")]
    [InlineData("refund")]
    [InlineData("credit")]
    [InlineData("write-off")]
    public void a_missing_empty_or_blank_reason_is_refused(string command)
    {
        ReasonErrors(command, null).ShouldBe(["reason is required"]);
        ReasonErrors(command, "").ShouldBe(["reason is required"]);
        ReasonErrors(command, "   ").ShouldBe(["reason is required"]);
    }

    [Theory]
    [InlineData("adjustment")]
    [InlineData("refund")]
    [InlineData("credit")]
    [InlineData("write-off")]
    public void a_reason_of_up_to_500_characters_is_accepted_and_a_longer_one_refused(string command)
    {
        ReasonErrors(command, "goodwill").ShouldBeEmpty();
        ReasonErrors(command, new string('x', 500)).ShouldBeEmpty();
        ReasonErrors(command, new string('x', 501)).ShouldHaveSingleItem().ShouldContain("500");
    }
}

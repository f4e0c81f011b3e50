using Npgsql;
using Shouldly;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.RecordingUsage;
using Xunit;

namespace TokenLedger.Tests.Infrastructure;

public sealed class telling_storable_text
{
    [Theory]
    [InlineData("a\0b", "must not contain the NUL character")]
    [InlineData("a\u0007", "must not contain control characters")]
    [InlineData("a\u007f", "must not contain control characters")]
    [InlineData("a\u0085", "must not contain control characters")]
    [InlineData("a\tb", "must not contain control characters")]
    public void an_identifier_refuses_nul_lone_surrogates_and_every_control_character(string text, string problem)
    {
        StorableText.IdentifierProblem(text).ShouldBe(problem);
        StorableText.IsIdentifier(text).ShouldBeFalse();
    }

    [Fact]
    public void an_unpaired_surrogate_is_not_storable_anywhere()
    {
        // (Not as InlineData: test discovery replaces lone surrogates with U+FFFD.)
        foreach (var text in new[] { "a\ud800b", "a\udc00", "\ud83d" })
        {
            StorableText.IdentifierProblem(text).ShouldBe("must not contain an unpaired surrogate (not valid Unicode text)");
            StorableText.FreeTextProblem(text).ShouldBe("must not contain an unpaired surrogate (not valid Unicode text)");
        }
    }

    [Theory]
    [InlineData("deepseek-chat")]
    [InlineData("通义千问 😀")]
    [InlineData("مرحبا")]
    public void unicode_text_with_paired_surrogates_is_storable(string text)
    {
        StorableText.IdentifierProblem(text).ShouldBeNull();
        StorableText.FreeTextProblem(text).ShouldBeNull();
    }

    [Fact]
    public void free_text_may_hold_tabs_and_line_breaks_but_never_nul()
    {
        StorableText.FreeTextProblem("line 1\r\n\tline 2").ShouldBeNull();
        StorableText.FreeTextProblem("a\0").ShouldBe("must not contain the NUL character");
        StorableText.FreeTextProblem("a\u001b[31m").ShouldBe("must not contain control characters");
    }

    [Fact]
    public void a_failure_that_is_nobodys_item_is_transient_and_an_arithmetic_one_is_not()
    {
        UsageCommitFailures.IsTransient(new TimeoutException()).ShouldBeTrue();
        UsageCommitFailures.IsTransient(new InvalidOperationException("wrapped", new NpgsqlException("broken", new System.IO.IOException()))).ShouldBeTrue();
        UsageCommitFailures.IsTransient(new OverflowException()).ShouldBeFalse();
        UsageCommitFailures.Reason(new OverflowException("Value was either too large or too small for a Decimal."))
            .ShouldBe("the ledger could not store this item: OverflowException: Value was either too large or too small for a Decimal.");
    }
}

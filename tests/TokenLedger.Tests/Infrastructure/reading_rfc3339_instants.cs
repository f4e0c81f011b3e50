using NodaTime;
using Shouldly;
using TokenLedger.Infrastructure;

namespace TokenLedger.Tests.Infrastructure;

/// <summary>The ledger's one instant reader: RFC 3339 with Z or ±HH:mm, nothing looser.</summary>
public class reading_rfc3339_instants
{
    private static readonly Instant NewYear = Instant.FromUtc(2026, 1, 1, 0, 0);

    [Theory]
    [InlineData("2026-01-01T00:00:00Z")]
    [InlineData("2026-01-01T08:00:00+08:00")]
    [InlineData("2026-01-01T00:00:00+00:00")]
    [InlineData("2025-12-31T18:30:00-05:30")]
    [InlineData("2026-01-01T00:00:00.000000000Z")]
    public void z_and_an_offset_name_the_same_instant(string text) => Rfc3339.ToInstant(text).ShouldBe(NewYear);

    [Theory]
    [InlineData("2026-01-01T00:00:00")]
    [InlineData("2026-01-01")]
    [InlineData("2026-01-01 00:00:00Z")]
    [InlineData("2026-01-01T00:00Z")]
    [InlineData("2026-01-01T08:00:00+08")]
    [InlineData("2026-01-01T08:00:00+0800")]
    [InlineData("2026-01-01T00:00:00.0000000000Z")]
    [InlineData("")]
    [InlineData(null)]
    public void anything_looser_is_refused(string? text) => Rfc3339.ToInstant(text).ShouldBeNull();

    [Fact]
    public void the_rule_names_the_field_and_both_forms() =>
        Rfc3339.Rule("paidAt").ShouldBe("paidAt must be an RFC 3339 instant with Z or an offset, such as 2026-06-01T00:00:00Z or 2026-06-01T08:00:00+08:00");
}

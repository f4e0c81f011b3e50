using NodaTime;
using Shouldly;
using TokenLedger.Pricing;
using static TokenLedger.Tests.Pricing.PriceBooks;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="PriceBookHistory"/>: which version prices an event, however late it is rated.</summary>
public class choosing_the_price_book_version
{
    private static readonly Instant June16 = Shanghai(2026, 6, 16, 0, 0);
    private static readonly PriceBookVersion V1 = Version(1, June1Shanghai, [Model("deepseek-v4-pro", Prices(2m, 0.2m, 0m, 8m))]);
    private static readonly PriceBookVersion V2 = Version(2, June16, [Model("deepseek-v4-pro", Prices(3m, 0.3m, 0m, 12m))]);

    [Fact]
    public void a_price_change_mid_month_leaves_earlier_events_at_their_own_prices()
    {
        var history = new PriceBookHistory([V2, V1]);
        var usage = Tokens(input: 1_000_000, output: 100_000);

        var before = history.Rate("deepseek-v4-pro", usage, June16 - Duration.FromSeconds(1)).ShouldBeRated();
        var after = history.Rate("deepseek-v4-pro", usage, June16).ShouldBeRated();

        (before.Version, before.Amount).ShouldBe((1, 2.8m));
        (after.Version, after.Amount).ShouldBe((2, 4.2m));
    }

    [Fact]
    public void an_old_event_rated_after_the_change_still_gets_the_version_in_force_when_it_occurred()
    {
        var history = new PriceBookHistory([V1]);
        var occurred = Shanghai(2026, 6, 10, 9, 0);
        var first = history.Rate("deepseek-v4-pro", Tokens(input: 1000), occurred).ShouldBeRated();

        var rerated = history.With(V2).Rate("deepseek-v4-pro", Tokens(input: 1000), occurred).ShouldBeRated();

        rerated.ShouldBe(first);
        rerated.Version.ShouldBe(1);
    }

    [Fact]
    public void the_version_in_force_has_the_latest_effective_from_at_or_before_the_event()
    {
        var history = new PriceBookHistory("retail-cn", [V1, V2]);

        history.VersionAt(June1Shanghai - Duration.FromTicks(1)).ShouldBeNull();
        history.VersionAt(June1Shanghai).ShouldBe(V1);
        history.VersionAt(June16 - Duration.FromTicks(1)).ShouldBe(V1);
        history.VersionAt(June16).ShouldBe(V2);
        history.VersionAt(Instant.MaxValue).ShouldBe(V2);
    }

    [Fact]
    public void of_versions_with_the_same_effective_from_the_highest_version_is_in_force()
    {
        var correction = V1 with { Version = 3 };

        new PriceBookHistory([correction, V1, V2]).VersionAt(Shanghai(2026, 6, 2, 0, 0)).ShouldBe(correction);
    }

    [Fact]
    public void an_event_before_the_first_version_is_unrated()
    {
        new PriceBookHistory([V1]).Rate("deepseek-v4-pro", Tokens(input: 1), June1Shanghai - Duration.FromSeconds(1)).ShouldBeUnrated()
            .ShouldBe("price book 'retail-cn' has no version in force at 2026-05-31T15:59:59Z");
    }

    [Fact]
    public void an_unpriced_model_is_rated_once_a_version_in_force_at_the_event_adds_it()
    {
        var occurred = Shanghai(2026, 6, 20, 14, 0);
        var usage = Tokens(input: 5000, output: 1000);
        var history = new PriceBookHistory([V1, V2]);
        history.Rate("kimi-k2", usage, occurred).ShouldBeUnrated().ShouldBe("model 'kimi-k2' has no price in price book 'retail-cn' version 2");

        // A version effective later does not reach back to the event ...
        var later = Version(3, Shanghai(2026, 7, 1, 0, 0), [.. V2.Prices.Values, Model("kimi-k2", Prices(4m, 1m, 0m, 16m))]);
        history = history.With(later);
        history.Rate("kimi-k2", usage, occurred).ShouldBeUnrated().ShouldBe("model 'kimi-k2' has no price in price book 'retail-cn' version 2");

        // ... a correction effective from the same instant as version 2 does.
        var correction = Version(4, June16, [.. V2.Prices.Values, Model("kimi-k2", Prices(4m, 1m, 0m, 16m))]);
        var charge = history.With(correction).Rate("kimi-k2", usage, occurred).ShouldBeRated();

        (charge.Version, charge.Input, charge.Output).ShouldBe((4, 0.02m, 0.016m));
    }

    [Fact]
    public void a_history_refuses_versions_of_another_book_or_a_version_number_twice()
    {
        Should.Throw<ArgumentException>(() => new PriceBookHistory([V1, V2 with { PriceBookId = "wholesale" }]))
            .Message.ShouldStartWith("version 2 belongs to price book 'wholesale', not 'retail-cn'");
        Should.Throw<ArgumentException>(() => new PriceBookHistory([V1, V2 with { Version = 1 }]))
            .Message.ShouldStartWith("price book 'retail-cn' has version 1 more than once");
        Should.Throw<ArgumentException>(() => new PriceBookHistory(Array.Empty<PriceBookVersion>()));
        new PriceBookHistory("retail-cn", []).VersionAt(June16).ShouldBeNull();
    }
}

using System.Text.Json;
using FluentValidation;
using Shouldly;
using TokenLedger.Balances.Recording;
using TokenLedger.Distributors.SettingBreakEven;
using TokenLedger.Plans.DefiningPlans;
using TokenLedger.Prepayment.SettingThreshold;
using TokenLedger.Pricing.PuttingPriceBook;
using Xunit;

namespace TokenLedger.Tests.Infrastructure;

/// <summary>Every number a client sends has an upper bound, so that nothing the ledger computes from it overflows decimal.</summary>
public sealed class bounding_client_numbers
{
    private static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-06-01T00:00:00+08:00");

    private static BuyPackage Package(decimal size = 1000, decimal price = 10, decimal weight = 1) =>
        new("pack", size, null, new Dictionary<string, decimal> { ["input"] = weight, ["output"] = 1 }, price, "CNY", From, From.AddDays(30), null);

    private static IEnumerable<string> Errors<T>(AbstractValidator<T> validator, T command) => validator.Validate(command).Errors.Select(e => e.ErrorMessage);

    [Fact]
    public void a_package_weight_up_to_a_million_is_accepted_and_above_it_refused_so_tokens_times_weight_cannot_overflow()
    {
        Errors(new BuyPackage.Validator(), Package(weight: 1_000_000m)).ShouldBeEmpty();

        Errors(new BuyPackage.Validator(), Package(weight: 1_000_000.01m)).ShouldBe(["weights must be at most 1,000,000 package tokens per token"]);
        Errors(new BuyPackage.Validator(), Package(weight: 79_228_162_514_264_337_593_543_950_335m)).ShouldBe(["weights must be at most 1,000,000 package tokens per token"]);
    }

    [Fact]
    public void package_size_and_price_are_bounded()
    {
        Errors(new BuyPackage.Validator(), Package(size: 1_000_000_000_000_000m, price: 1_000_000_000_000m)).ShouldBeEmpty();

        Errors(new BuyPackage.Validator(), Package(size: 1_000_000_000_000_001m, price: 1_000_000_000_001m))
            .ShouldBe(["sizeTokens must be at most 1,000,000,000,000,000", "pricePaid must be at most 1,000,000,000,000"], ignoreOrder: true);
    }

    [Fact]
    public void a_credit_limit_threshold_and_plan_fees_are_at_most_a_trillion()
    {
        Errors(new SetCreditTerms.Validator(), new SetCreditTerms(1_000_000_000_000m, null)).ShouldBeEmpty();
        Errors(new SetCreditTerms.Validator(), new SetCreditTerms(1_000_000_000_000.5m, null)).ShouldBe(["creditLimit must be at most 1,000,000,000,000"]);
        Errors(new SetPrepaymentThreshold.Validator(), new SetPrepaymentThreshold(null, 2e12m, "CNY")).ShouldBe(["threshold must be at most 1,000,000,000,000"]);

        var plan = new PutPlan("pro", "Pro", "CNY", 2e12m, 3e12m, 1, ["*"], [new PutPlanCap("month", "tokens", 1_000_000_000_000_001)], "block");
        Errors(new PutPlan.Validator(), plan).ShouldBe(
            ["monthlyFee must be at most 1,000,000,000,000", "introFee must be at most 1,000,000,000,000", "limit must be at most 1,000,000,000,000,000"], ignoreOrder: true);
    }

    [Fact]
    public void prices_per_million_are_at_most_a_billion()
    {
        Errors(new SetBreakEven.Validator(), new SetBreakEven(1e9m, 0, 0, 1e9m + 1)).ShouldBe(["outputPerMillion must be at most 1,000,000,000"]);

        var book = JsonSerializer.Deserialize<PutPriceBookRequest>(
            """{"currency":"CNY","effectiveFrom":"2026-06-01T00:00:00+08:00","prices":[{"model":"m","inputPerMillion":"1000000000","cachedInputPerMillion":"0","outputPerMillion":"99999999999999999999999999"}]}""",
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Errors(new PutPriceBookRequest.Validator(), book).ShouldBe(["prices[0].outputPerMillion must be at most 1,000,000,000, not 99999999999999999999999999"]);
    }
}

using System.Globalization;
using FsCheck.Xunit;
using NodaTime;
using Shouldly;
using TokenLedger.Pricing;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="ExactDecimal"/> and the engine's per-million arithmetic.</summary>
public class exact_decimals
{
    [Theory]
    [InlineData("1.500", "1.5")]
    [InlineData("2.000", "2")]
    [InlineData("0.28000000", "0.28")]
    [InlineData("1200", "1200")]
    [InlineData("0", "0")]
    [InlineData("-0.10", "-0.1")]
    public void normalising_drops_trailing_zeros_only(string value, string text)
    {
        ExactDecimal.ToInvariantString(Parse(value)).ShouldBe(text);
        ExactDecimal.Normalize(Parse(value)).ShouldBe(Parse(value));
    }

    [Fact]
    public void shifting_by_powers_of_ten_changes_only_the_scale_while_it_can()
    {
        ExactDecimal.DivideByPowerOfTen(28m, 8).ShouldBe(0.00000028m);
        ExactDecimal.MultiplyByPowerOfTen(Parse("2.8e-07"), 6).ShouldBe(0.28m);
        ExactDecimal.MultiplyByPowerOfTen(5m, 3).ShouldBe(5000m);
        ExactDecimal.DivideByPowerOfTen(1m, 30).ShouldBe(0m); // beyond 28 places: rounded
        ExactDecimal.DivideByPowerOfTen(15m, 28).ShouldBe(0.0000000000000000000000000015m);
    }

    [Property(MaxTest = 1000)]
    public bool the_per_million_amount_equals_decimal_arithmetic(int lo, int mid, byte hiChoice, byte scaleChoice, uint tokensLo, byte tokensHi)
    {
        // Any non-negative decimal price (with or without a 96-bit mantissa, any scale the magnitude allows) and any
        // token count up to 2^40. The price is kept below 2^55 by raising the scale where the mantissa needs it, so
        // tokens × price stays below decimal.MaxValue and every generated case is checked (none is waved through).
        var hi = hiChoice % 4 == 0 ? hiChoice : 0;
        var mantissa = new decimal(lo, mid, hi, false, 0);
        var scale = Math.Max(scaleChoice % 29, ScaleBelow(mantissa, MaxPrice));
        var price = new decimal(lo, mid, hi, false, (byte)scale);
        var tokens = ((long)tokensHi << 32) | tokensLo;
        price.ShouldBeLessThan(MaxPrice);
        var expected = tokens * price / 1_000_000m;
        var model = new ModelPrice("m", new TokenPrices(price, 0m, 0m, 0m), [], [], []);
        var version = new PriceBookVersion("b", 1, "CNY", Instant.MinValue, new Dictionary<string, ModelPrice> { ["m"] = model }, new Dictionary<string, string>());

        return Rating.Rate(version, "m", new TokenCounts(tokens, 0, 0, 0), Instant.FromUtc(2026, 6, 1, 0, 0)) switch
        {
            Rated { Charge.Input: var input } => input == expected || Math.Abs(input - expected) <= 0.0000000000000000000000000001m,
            _ => false,
        };
    }

    /// <summary>2^55: times at most 2^40 tokens, below decimal.MaxValue (about 2^96).</summary>
    private const decimal MaxPrice = 36_028_797_018_963_968m;

    /// <summary>The smallest scale at which <paramref name="mantissa"/> reads as a number below <paramref name="bound"/>.</summary>
    private static int ScaleBelow(decimal mantissa, decimal bound)
    {
        var scale = 0;
        for (var value = mantissa; value >= bound; value /= 10m) scale++;
        return scale;
    }

    private static decimal Parse(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}

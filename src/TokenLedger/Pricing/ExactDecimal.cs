using System.Globalization;

namespace TokenLedger.Pricing;

/// <summary>Decimal helpers that never go through binary floating point.</summary>
public static class ExactDecimal
{
    private const int MaxScale = 28;

    /// <summary>
    /// <paramref name="value"/> / 10^<paramref name="digits"/>, exactly: only the decimal's scale changes, so no digit is
    /// lost unless the result would need more than 28 decimal places (then it is rounded to 28 places).
    /// </summary>
    public static decimal DivideByPowerOfTen(decimal value, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        if (scale + digits <= MaxScale)
            return new decimal(bits[0], bits[1], bits[2], bits[3] < 0, (byte)(scale + digits));
        var result = value;
        for (var i = 0; i < digits; i++) result /= 10m;
        return result;
    }

    /// <summary>
    /// <paramref name="value"/> × 10^<paramref name="digits"/>, exactly: the scale drops first, and only when the scale
    /// is exhausted is the mantissa multiplied (which throws <see cref="OverflowException"/> if it does not fit).
    /// </summary>
    public static decimal MultiplyByPowerOfTen(decimal value, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var shift = Math.Min(scale, digits);
        var result = new decimal(bits[0], bits[1], bits[2], bits[3] < 0, (byte)(scale - shift));
        for (var i = shift; i < digits; i++) result *= 10m;
        return result;
    }

    /// <summary>The same value without trailing zeros after the decimal point (1.500 → 1.5, 2.000 → 2).</summary>
    public static decimal Normalize(decimal value)
    {
        var scale = value.Scale;
        while (scale > 0)
        {
            var shorter = Math.Round(value, scale - 1);
            if (shorter != value) break;
            value = shorter;
            scale--;
        }
        return value;
    }

    /// <summary>Decimal places that matter: the scale once trailing zeros are dropped (1.50 → 1, 2.8E-07 → 8).</summary>
    public static int SignificantDecimalPlaces(decimal value) => Normalize(value).Scale;

    /// <summary>Invariant text without trailing zeros and without exponent, e.g. 0.28 or 1200.</summary>
    public static string ToInvariantString(decimal value) => Normalize(value).ToString(CultureInfo.InvariantCulture);
}

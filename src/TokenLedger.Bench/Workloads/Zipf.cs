namespace TokenLedger.Bench.Workloads;

/// <summary>Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s: a few hot tenants, a long tail of cold ones.</summary>
public sealed class Zipf
{
    private readonly double[] _cumulative;

    public Zipf(int n, double exponent)
    {
        _cumulative = new double[n];
        var sum = 0.0;
        for (var k = 0; k < n; k++)
        {
            sum += 1.0 / Math.Pow(k + 1, exponent);
            _cumulative[k] = sum;
        }
        for (var k = 0; k < n; k++) _cumulative[k] /= sum;
    }

    public int Next(Random random)
    {
        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        return Math.Min(index >= 0 ? index : ~index, _cumulative.Length - 1);
    }
}

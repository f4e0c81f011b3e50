namespace TokenLedger.HoldFloor;

/// <summary>"--name value" pairs; a name given twice keeps every value (for --pid).</summary>
public sealed class Options(ILookup<string, string> values)
{
    public static Options Parse(string[] args)
    {
        if (args.Length % 2 != 0 || args.Where((a, i) => i % 2 == 0).Any(a => !a.StartsWith("--", StringComparison.Ordinal)))
            throw new ArgumentException("options are --name value pairs");
        return new Options(args.Chunk(2).ToLookup(p => p[0][2..], p => p[1]));
    }

    public string Text(string name, string fallback) => values[name].LastOrDefault() ?? fallback;

    public int Number(string name, int fallback) => values[name].LastOrDefault() is { } v ? int.Parse(v) : fallback;

    public IEnumerable<string> All(string name) => values[name];
}

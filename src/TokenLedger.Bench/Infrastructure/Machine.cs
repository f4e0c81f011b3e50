namespace TokenLedger.Bench.Infrastructure;

/// <summary>What the numbers were measured on: cores, CPU model and memory, from /proc.</summary>
public static class Machine
{
    public static string Describe()
    {
        var cpu = ReadField("/proc/cpuinfo", "model name") ?? "unknown CPU";
        var memKb = ReadField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var mem = long.TryParse(memKb, out var kb) ? $"{kb / 1024.0 / 1024.0:0.0} GiB RAM" : "unknown RAM";
        return $"{Environment.ProcessorCount} cores, {cpu}, {mem}";
    }

    private static string? ReadField(string file, string name)
    {
        try
        {
            return File.ReadLines(file)
                .Where(l => l.StartsWith(name, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

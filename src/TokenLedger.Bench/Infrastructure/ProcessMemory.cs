namespace TokenLedger.Bench.Infrastructure;

public readonly record struct MemoryReading(long RssKb, long PeakRssKb)
{
    public double RssMb => RssKb / 1024.0;
    public double PeakRssMb => PeakRssKb / 1024.0;
}

/// <summary>Resident set size of another process, from /proc/PID/status (VmRSS now, VmHWM its peak so far).</summary>
public sealed class ProcessMemory(int pid)
{
    public int Pid => pid;

    public MemoryReading? Read()
    {
        try
        {
            long rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kilobytes(line);
            }
            return new MemoryReading(rss, hwm);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}

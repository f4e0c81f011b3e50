using System.Diagnostics;

namespace TokenLedger.HoldFloor;

/// <summary>
/// CPU time (utime + stime from /proc, in clock ticks of 1/100 s) of named processes over a run: a process named
/// "postgres" is the postmaster, counted with its backends and the children that exited; also this process and the
/// whole machine (busy share of /proc/stat).
/// </summary>
public sealed class CpuMeter
{
    private readonly Dictionary<string, int> _pids;
    private readonly Dictionary<string, long> _start;
    private readonly TimeSpan _ownStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly (long Busy, long All) _machineStart = Machine();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private CpuMeter(Dictionary<string, int> pids)
    {
        _pids = pids;
        _start = pids.ToDictionary(p => p.Key, p => Ticks(p.Key, p.Value));
    }

    public static CpuMeter Start(IEnumerable<string> named) =>
        new(named.Select(n => n.Split('=', 2)).ToDictionary(p => p[0], p => int.Parse(p[1])));

    public string Report(int units)
    {
        var wall = _clock.Elapsed.TotalSeconds;
        var parts = _pids.Select(p => (p.Key, Seconds: (Ticks(p.Key, p.Value) - _start[p.Key]) / 100.0)).ToList();
        parts.Add(("load generator", (Process.GetCurrentProcess().TotalProcessorTime - _ownStart).TotalSeconds));
        var (busy, all) = Machine();
        var machineBusy = (busy - _machineStart.Busy) / (double)Math.Max(1, all - _machineStart.All);
        return $"CPU over {wall:F1} s: " + string.Join(", ", parts.Select(p => $"{p.Key} {p.Seconds:F2} s ({p.Seconds / units * 1e6:N0} µs per placement)"))
            + $"; the machine {machineBusy:P0} busy on {Environment.ProcessorCount} cores";
    }

    private static long Ticks(string name, int pid)
    {
        var own = Stat(pid, withExited: name == "postgres");
        if (name != "postgres") return own;
        return own + Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit))
            .Select(d => int.Parse(d!)).Where(child => Parent(child) == pid).Sum(child => Stat(child, withExited: false));
    }

    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int Parent(int pid) => Fields(pid) is { } f ? int.Parse(f[1]) : -1;

    private static long Stat(int pid, bool withExited) => Fields(pid) is not { } f ? 0
        : long.Parse(f[11]) + long.Parse(f[12]) + (withExited ? long.Parse(f[13]) + long.Parse(f[14]) : 0);

    private static (long Busy, long All) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        var all = cpu.Sum();
        return (all - cpu[3] - cpu[4], all);
    }
}

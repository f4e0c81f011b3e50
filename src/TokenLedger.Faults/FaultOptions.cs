namespace TokenLedger.Faults;

/// <summary>Command-line options of the fault harness.</summary>
public sealed record FaultOptions
{
    public static readonly string[] AllScenarios = ["kill", "broker-restart", "db-restart", "two-instances", "hostile", "replay", "late-rating-kill", "poison"];

    public int Events { get; init; } = 100_000;
    public int Hostile { get; init; } = 10_000;
    public int Poison { get; init; } = 10_000;
    public int Kills { get; init; } = 3;
    public int LateRatingEvents { get; init; } = 30_000;
    public int LateRatingKillAt { get; init; }
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;
    public string Repo { get; init; } = "";
    public string Configuration { get; init; } = "Release";
    public string? ApiDll { get; init; }
    public int RssLimitMb { get; init; } = 2048;
    public int Seed { get; init; } = 20260612;

    public const string Usage = """
        usage: TokenLedger.Faults [options]   (normally run through ops/faults, which starts private servers)
          --events N        valid usage events per ingest scenario (default 100000)
          --hostile N       hostile messages in the hostile scenario (default 10000)
          --poison N        poison messages among the valid events in the poison scenario (default 10000)
          --kills K         kill -9 / restart cycles in the kill scenario (default 3)
          --late-rating-events N
                            unrated events rated late in the late-rating-kill scenario (default 30000)
          --late-rating-kill-at N
                            kill -9 once N of them are rated (mid-run) rather than 0-250 ms after the PUT answers (default 0)
          --scenarios LIST  comma-separated, from: kill, broker-restart, db-restart, two-instances, hostile, replay,
                            late-rating-kill, poison
                            (default: all, in that order)
          --repo PATH       repository root (default: found by walking up to TokenLedger.sln)
          --configuration C build configuration of the service to run (default Release)
          --api-dll PATH    the service to run (default: src/TokenLedger.Api/bin/<configuration>/net10.0/TokenLedger.Api.dll;
                            ops/faults passes a snapshot of that build, so concurrent rebuilds cannot swap it mid-run)
          --rss-limit-mb N  the hostile scenario fails if the service's peak RSS exceeds this (default 2048)
          --seed N          seed of the generated workload (default 20260612)
        """;

    /// <summary>Parses the arguments; returns null and prints why when they are wrong.</summary>
    public static FaultOptions? Parse(string[] args)
    {
        var options = new FaultOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number(int min) => int.TryParse(Value(), out var n) && n >= min ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number >= {min}");
            try
            {
                options = args[i] switch
                {
                    "--events" => options with { Events = Number(1000) },
                    "--hostile" => options with { Hostile = Number(1) },
                    "--poison" => options with { Poison = Number(1) },
                    "--kills" => options with { Kills = Number(1) },
                    "--late-rating-events" => options with { LateRatingEvents = Number(1000) },
                    "--late-rating-kill-at" => options with { LateRatingKillAt = Number(0) },
                    "--scenarios" => options with { Scenarios = ParseScenarios(Value()) },
                    "--repo" => options with { Repo = Value() },
                    "--configuration" => options with { Configuration = Value() },
                    "--api-dll" => options with { ApiDll = Path.GetFullPath(Value()) },
                    "--rss-limit-mb" => options with { RssLimitMb = Number(64) },
                    "--seed" => options with { Seed = Number(0) },
                    "-h" or "--help" => throw new HelpRequested(),
                    _ => throw new ArgumentException($"unknown argument: {args[i]}"),
                };
            }
            catch (HelpRequested)
            {
                Console.WriteLine(Usage);
                return null;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine(Usage);
                return null;
            }
        }
        return options with { Repo = options.Repo.Length > 0 ? Path.GetFullPath(options.Repo) : FindRepo() };
    }

    private static IReadOnlyList<string> ParseScenarios(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 1 && names[0] == "all") return AllScenarios;
        foreach (var name in names)
            if (!AllScenarios.Contains(name)) throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", AllScenarios)}");
        return AllScenarios.Where(names.Contains).ToList();
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TokenLedger.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    private sealed class HelpRequested : Exception;
}

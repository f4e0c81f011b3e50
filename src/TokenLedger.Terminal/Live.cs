using Spectre.Console;

namespace TokenLedger.Terminal;

/// <summary>
/// Progress on long work, the way .NET CLI users expect it: on a terminal a Spectre.Console progress bar per task with its
/// count, rate and elapsed time; when the output is not a terminal (a log file, CI, a pipe), a plain line per task every
/// <see cref="PlainInterval"/> and when the work ends, with the same count and rate. Also phase headings and notes.
/// </summary>
public static class Live
{
    /// <summary>How often plain lines are written while work runs and the output is not a terminal.</summary>
    public static TimeSpan PlainInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A terminal that can redraw a live display (Spectre's own test: interactive and ANSI).</summary>
    public static bool Interactive => IsInteractive(AnsiConsole.Console);

    private static bool IsInteractive(IAnsiConsole console) =>
        console.Profile.Capabilities is { Interactive: true, Ansi: true } && !Console.IsOutputRedirected;

    /// <summary>
    /// Runs <paramref name="work"/> with progress. <paramref name="plainLine"/> writes the plain lines (default: standard
    /// output), so a tool can give them its own prefix. <paramref name="terminal"/>: the console to draw on (default
    /// Spectre's static one), for a tool that has swapped the static console (see <see cref="CommandOutput"/>).
    /// </summary>
    public static async Task<T> ProgressAsync<T>(Func<LiveProgress, Task<T>> work, Action<string>? plainLine = null, IAnsiConsole? terminal = null)
    {
        terminal ??= AnsiConsole.Console;
        if (IsInteractive(terminal))
            return await terminal.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(), new RateColumn(),
                    new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(context => work(new LiveProgress(context)));
        var progress = new LiveProgress(plainLine ?? Console.WriteLine);
        using var stop = new CancellationTokenSource();
        var lines = progress.WritePlainLinesAsync(PlainInterval, stop.Token);
        try
        {
            return await work(progress);
        }
        finally
        {
            await stop.CancelAsync();
            await lines;
            progress.WriteFinalLines();
        }
    }

    public static Task ProgressAsync(Func<LiveProgress, Task> work, Action<string>? plainLine = null) =>
        ProgressAsync<bool>(async p =>
        {
            await work(p);
            return true;
        }, plainLine);

    /// <summary>A line written above a live display on <paramref name="terminal"/> when interactive, plainly otherwise.</summary>
    public static void Line(IAnsiConsole terminal, bool interactive, string text)
    {
        if (interactive) terminal.WriteLine(text);
        else Console.WriteLine(text);
    }

    /// <summary>A line written above a live display (or plainly): through Spectre when a display may be live, so it is redrawn around it.</summary>
    public static void Line(string text)
    {
        if (Interactive) AnsiConsole.WriteLine(text);
        else Console.WriteLine(text);
    }

    public static void Heading(string text) => AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(text)}[/]").LeftJustified());

    public static void Note(string text) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    public static void Warn(string text) => AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(text)}[/]");
}

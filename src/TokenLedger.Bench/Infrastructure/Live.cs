using Spectre.Console;

namespace TokenLedger.Bench.Infrastructure;

/// <summary>Progress bars on the console while a phase runs (runs are long), and phase headings.</summary>
public static class Live
{
    public static Task<T> ProgressAsync<T>(Func<ProgressContext, Task<T>> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(work);

    public static void Heading(string text) => AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(text)}[/]").LeftJustified());

    public static void Note(string text) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    public static void Warn(string text) => AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(text)}[/]");
}

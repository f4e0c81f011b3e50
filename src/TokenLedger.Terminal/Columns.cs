using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace TokenLedger.Terminal;

/// <summary>"12,000/50,000": how far a task is, as counts.</summary>
public sealed class CountColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:N0}/{task.MaxValue:N0}"), new Style(Color.Grey));
}

/// <summary>"3,100/s": the task's current rate (Spectre's speed over its recent samples).</summary>
public sealed class RateColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is { } speed ? string.Create(CultureInfo.InvariantCulture, $"{speed:N0}/s") : "–", new Style(Color.Grey));
}

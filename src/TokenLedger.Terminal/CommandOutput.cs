using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace TokenLedger.Terminal;

/// <summary>
/// For wrapping a third-party command that writes to Spectre's static console with a progress display of our own: the
/// static console becomes a plain, non-interactive one whose lines are handed to <c>line</c> (written above our display),
/// except the percentage-only lines of the command's own progress display ("name: 56%"), which ours replaces with counts
/// and rate. Dispose to restore the static console.
/// </summary>
public sealed partial class CommandOutput : IDisposable
{
    private readonly IAnsiConsole _original;

    public CommandOutput(Action<string> line)
    {
        _original = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(new LineWriter(text =>
            {
                if (!PercentageOnly().IsMatch(text)) line(text);
            })),
        });
        AnsiConsole.Profile.Width = Math.Max(_original.Profile.Width, 160);
    }

    public void Dispose() => AnsiConsole.Console = _original;

    [GeneratedRegex(@"^\S+: \d+%$")]
    private static partial Regex PercentageOnly();

    private sealed class LineWriter(Action<string> line) : TextWriter
    {
        private readonly StringBuilder _pending = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_pending)
            {
                if (value == '\n')
                {
                    var text = _pending.ToString().TrimEnd('\r');
                    _pending.Clear();
                    if (text.Trim().Length > 0) line(text);
                }
                else _pending.Append(value);
            }
        }
    }
}

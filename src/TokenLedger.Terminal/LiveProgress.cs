using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace TokenLedger.Terminal;

/// <summary>The tasks of one <see cref="Live.ProgressAsync{T}"/>: Spectre's progress context on a terminal, plain counters otherwise.</summary>
public sealed class LiveProgress
{
    private readonly ProgressContext? _context;
    private readonly Action<string>? _plainLine;
    private readonly List<LiveTask> _tasks = [];
    private readonly Lock _gate = new();

    internal LiveProgress(ProgressContext context) => _context = context;

    internal LiveProgress(Action<string> plainLine) => _plainLine = plainLine;

    public LiveTask AddTask(string description, double maxValue)
    {
        var task = _context is null ? new LiveTask(description, maxValue) : new LiveTask(_context.AddTask(description, maxValue: maxValue));
        lock (_gate) _tasks.Add(task);
        return task;
    }

    internal async Task WritePlainLinesAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                foreach (var task in Snapshot().Where(t => !t.Reported))
                    _plainLine!(task.PlainLine(final: false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal void WriteFinalLines()
    {
        foreach (var task in Snapshot().Where(t => !t.FinalReported))
            _plainLine!(task.PlainLine(final: true));
    }

    private List<LiveTask> Snapshot()
    {
        lock (_gate) return [.. _tasks];
    }
}

/// <summary>One counted piece of work: a Spectre progress task on a terminal, a counter with a plain line otherwise.</summary>
public sealed class LiveTask
{
    private readonly ProgressTask? _spectre;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private string _description;
    private double _value;
    private double _maxValue;
    private TimeSpan? _stoppedAt;
    private (double Value, TimeSpan At) _lastLine;

    internal LiveTask(ProgressTask spectre)
    {
        _spectre = spectre;
        _description = spectre.Description;
    }

    internal LiveTask(string description, double maxValue) => (_description, _maxValue) = (description, maxValue);

    public string Description
    {
        get => _spectre?.Description ?? _description;
        set
        {
            if (_spectre is not null) _spectre.Description = value;
            else _description = value;
        }
    }

    public double Value
    {
        get => _spectre?.Value ?? Volatile.Read(ref _value);
        set
        {
            if (_spectre is not null) _spectre.Value = value;
            else lock (_gate) _value = Math.Min(value, _maxValue);
        }
    }

    public double MaxValue
    {
        get => _spectre?.MaxValue ?? _maxValue;
        set
        {
            if (_spectre is not null) _spectre.MaxValue = value;
            else lock (_gate) _maxValue = value;
        }
    }

    public void Increment(double amount)
    {
        if (_spectre is not null) _spectre.Increment(amount);
        else lock (_gate) _value = Math.Min(_value + amount, _maxValue);
    }

    public void StopTask()
    {
        if (_spectre is not null) _spectre.StopTask();
        else lock (_gate) _stoppedAt ??= _watch.Elapsed;
    }

    internal bool Reported { get; private set; }
    internal bool FinalReported { get; private set; }

    /// <summary>
    /// "description: 12,000/50,000 (24 %), 3,100/s, 4 s". The rate is since the previous line; the final line (or the
    /// line of a task that stopped) gives the average over the task's whole time. A stopped task is reported once.
    /// </summary>
    internal string PlainLine(bool final)
    {
        lock (_gate)
        {
            var at = _stoppedAt ?? _watch.Elapsed;
            var done = final || _stoppedAt is not null || _value >= _maxValue;
            var seconds = done ? at.TotalSeconds : (at - _lastLine.At).TotalSeconds;
            var rate = seconds > 0 ? (_value - (done ? 0 : _lastLine.Value)) / seconds : 0;
            _lastLine = (_value, at);
            if (done) Reported = FinalReported = true;
            var percent = _maxValue > 0 ? _value / _maxValue * 100 : 100;
            return string.Create(CultureInfo.InvariantCulture,
                $"{_description}: {_value:N0}/{_maxValue:N0} ({percent:0} %), {rate:N0}/s{(done ? " on average" : "")}, {at.TotalSeconds:0.0} s");
        }
    }
}

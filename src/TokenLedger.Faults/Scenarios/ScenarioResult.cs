namespace TokenLedger.Faults.Scenarios;

/// <summary>What one scenario measured; it is exact when nothing was lost, counted twice or wrong, and no check failed.</summary>
public sealed class ScenarioResult(string name)
{
    public string Name { get; } = name;
    public long EventsPublished { get; set; }
    public long UniqueExpected { get; set; }
    public long Recorded { get; set; }
    public long Lost { get; set; }
    public long DoubleCounted { get; set; }
    public long Unexpected { get; set; }
    public long? LettersExpected { get; set; }
    public long? LettersSeen { get; set; }
    public long PeakRssBytes { get; set; }
    public double? ReplayRate { get; set; }
    public double Seconds { get; set; }
    public List<string> Notes { get; } = [];
    public List<string> Failures { get; } = [];

    public bool Exact => Failures.Count == 0 && Lost == 0 && DoubleCounted == 0 && Unexpected == 0;

    public void Fail(string why) => Failures.Add(why);
}

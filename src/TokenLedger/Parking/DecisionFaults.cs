namespace TokenLedger.Parking;

/// <summary>
/// Called before each decision of a money-deciding subscription. Production registers <see cref="NoDecisionFaults"/>
/// and nothing in configuration can change that: only code that builds the service collection (the integration tests,
/// through <c>ConfigureTestServices</c>) can put another implementation in its place, to make a decision throw.
/// </summary>
public interface IDecisionFaults
{
    void BeforeDeciding(string subscription, string accountId, object input);
}

public sealed class NoDecisionFaults : IDecisionFaults
{
    public void BeforeDeciding(string subscription, string accountId, object input)
    {
    }
}

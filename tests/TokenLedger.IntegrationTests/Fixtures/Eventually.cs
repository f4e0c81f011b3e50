namespace TokenLedger.IntegrationTests.Fixtures;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds, then returns its last value; fails with the last value seen.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew(); // real time: the service works at its own pace, whatever its clock says
        var last = await probe();
        while (!condition(last))
        {
            if (waited.Elapsed > (timeout ?? TimeSpan.FromSeconds(60)))
                throw new TimeoutException($"Timed out waiting for {what ?? "condition"}; last value: {System.Text.Json.JsonSerializer.Serialize(last)}");
            await Task.Delay(200);
            last = await probe();
        }
        return last;
    }
}

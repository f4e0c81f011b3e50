using TokenLedger.Invoicing.Rendering;

namespace TokenLedger.Tests.Invoicing;

/// <summary>One renderer (one 5 MB font load) for all the PDF tests of a class.</summary>
public sealed class RendererFixture : IDisposable
{
    public InvoicePdfRenderer Renderer { get; } = new(InvoiceFonts.Default);

    public void Dispose() => Renderer.Dispose();
}

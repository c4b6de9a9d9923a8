Attribute VB_Name = "SelfTest"
' Self-test of the VBA project. tests/build runs it in LibreOffice headless; in Excel run
' it with Alt+F8 -> GknbSelfTest. It proves that the project compiles (one module that does
' not compile makes every macro of the project fail) and that the code reaches the workbook:
' it lists the sheets with their code names, writes a marker into a far cell of the last
' sheet and restores what was there, reads the Chinese title (a hidden workbook name) and
' finds the help sheet. When cell AX1001 of the last sheet holds lines of text, it also gives
' the command line the launcher would build from them (program, then arguments; cmd=, as
' UTF-16 hex), so a test can split it as the C runtime does and compare.
' The result line goes to the file named by the environment variable GKNB_SELFTEST_OUT
' (ASCII, sheet names as UTF-16 hex), else into a message box. GKNB_SELFTEST_QUIT=1 quits
' the application afterwards (for a run from the command line).
Option Explicit

Private Function Hex4(ByVal t As String) As String
    Dim i As Long, code As Long, h As String
    For i = 1 To Len(t)
        code = AscW(Mid$(t, i, 1))
        If code < 0 Then code = code + 65536
        h = h & Right$("000" & Hex$(code), 4)
    Next i
    Hex4 = h
End Function

Public Function GknbSelfTestResult() As String
    Dim s As String, ws As Object, c As Object, old As Variant
    s = "gknb-selftest sheets=" & ThisWorkbook.Worksheets.Count
    For Each ws In ThisWorkbook.Worksheets
        s = s & " " & ws.CodeName & ":" & Hex4(ws.Name)
    Next ws
    Set ws = ThisWorkbook.Worksheets(ThisWorkbook.Worksheets.Count)
    Set c = ws.Cells(1000, 50)
    old = c.Formula
    c.Value = "gknb-marker"
    s = s & " write=" & CStr(c.Value)
    c.Formula = old
    If CStr(c.Formula) = CStr(old) Then s = s & " restored=yes" Else s = s & " restored=no"
    s = s & " title=" & Hex4(Title())
    Set ws = HelpSheet()
    If ws Is Nothing Then
        s = s & " help=none"
    Else
        s = s & " help=" & ws.CodeName
    End If
    GknbSelfTestResult = s & " cmd=" & SampleCommandLine() & " end"
End Function

Private Function SampleCommandLine() As String
    Dim ws As Object, lines As Variant, rest() As String, i As Long, text As String
    Set ws = ThisWorkbook.Worksheets(ThisWorkbook.Worksheets.Count)
    text = CStr(ws.Cells(1001, 50).Value)
    If Len(text) = 0 Then
        SampleCommandLine = "none"
        Exit Function
    End If
    lines = Split(text, vbLf)
    ReDim rest(0 To UBound(lines))
    For i = 1 To UBound(lines)
        rest(i - 1) = lines(i)
    Next i
    If UBound(lines) >= 1 Then ReDim Preserve rest(0 To UBound(lines) - 1)
    If UBound(lines) = 0 Then
        SampleCommandLine = Hex4(Program(CStr(lines(0))))
    Else
        SampleCommandLine = Hex4(CommandLine(CStr(lines(0)), rest))
    End If
End Function

Public Sub GknbSelfTest()
    Dim s As String, outPath As String, f As Integer
    On Error Resume Next
    s = GknbSelfTestResult()
    If Err.Number <> 0 Then s = "gknb-selftest error " & Err.Number & " " & Err.Description
    On Error GoTo 0
    outPath = Environ$("GKNB_SELFTEST_OUT")
    If Len(outPath) > 0 Then
        f = FreeFile
        Open outPath For Output As #f
        Print #f, s
        Close #f
    Else
        MsgBox s, vbInformation, Title()
    End If
    If Environ$("GKNB_SELFTEST_QUIT") = "1" Then Application.Quit
End Sub

Attribute VB_Name = "SelfTest"
' Self-test of the VBA project. tests/build runs it in LibreOffice headless; in Excel run
' it with Alt+F8 -> GknbSelfTest. It proves that the project compiles (one module that does
' not compile makes every macro of the project fail) and that the code reaches the workbook:
' it lists the sheets with their code names, writes a marker into a far cell of the last
' sheet and restores what was there, decodes the Chinese title and finds the help sheet.
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
    GknbSelfTestResult = s & " end"
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

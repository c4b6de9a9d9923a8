Attribute VB_Name = "GknbLauncher"
' gknb launcher: finds the engine, starts it hidden on this workbook, waits, shows its answer.
'
' Where the engine is looked for, in this order:
'   1. environment variable GKNB_ENGINE: full path of an exe, or a whole command line
'   2. workbook-level defined name GK_ENGINE (cover sheet, "engine path"): same meaning
'   3. the per-user install: %LOCALAPPDATA%\gknb\gknb-excel.exe
'   4. development: environment variable GKNB_PYTHON (a python) runs "-m gknb.excel"
' A setting that names an existing py*.exe gets "-m gknb.excel" added.
'
' The engine is started directly by WScript.Shell's Run (no command shell, no redirection), hidden,
' waiting for it:
'   <engine> <check|fill|clear|export|text> [--force] "--result=<file>" "--wb=<Workbook.Name>"
'            --from_xl=1 --hwnd=<Application.Hwnd>
' (--result=... is one token, so an engine older than the result file ignores it and still runs)
' Every argument is quoted by Arg(), the C runtime's rule plus "%" written outside the quotes,
' so that Run's expansion of %VARIABLES% finds nothing (gknb.launch.quote_arg is its twin);
' the program's own path is in plain quotes (Program()).
' The engine writes its answer into <file> (in %TEMP%, UTF-16 with BOM, read back with
' FileSystemObject and deleted) and finds the live workbook through COM (Book.caller()).
'
' Exit code protocol (the engine's side is gknb.launch):
'   0  done: the answer is a summary, shown in an information box (nothing when empty).
'   1  user error, or the engine gave up after its time limit: the answer says what to do.
'   3  confirmation needed (export while errors remain): the answer is the question; on Yes
'      the same command runs again with --force.
'   other failure: the exit code and the answer are shown (critical box).
'
' Before the engine runs, a workbook with unsaved changes is saved (unless read-only), so
' nothing typed is lost even if Excel had to be closed while waiting. A workbook that was
' never saved is refused. A workbook opened from OneDrive/SharePoint (https:// FullName) is
' left to the engine, which maps it to the synced local file or says why it cannot.
'
' ASCII only: every Chinese text is a hidden workbook name GKNB_UI_<key> (from
' addin/ui-strings.txt, added by gknb.build), read by T().
Option Explicit

Private Const ENGINE_EXE As String = "gknb-excel.exe"
Private Const EXIT_OK As Long = 0
Private Const EXIT_USER_ERROR As Long = 1
Private Const EXIT_CONFIRM As Long = 3
Private Const MAX_MESSAGE As Long = 900
Private Const UI_PREFIX As String = "GKNB_UI_"

Private lastMessage As String

Public Function T(ByVal key As String) As String
    ' The UI text named GKNB_UI_<key>: a string constant ="..." ("" for a quote, \n newline).
    Dim nm As Object, s As String
    On Error Resume Next
    Set nm = ThisWorkbook.Names.Item(UI_PREFIX & key)
    If Err.Number <> 0 Or nm Is Nothing Then
        Err.Clear
        T = "[gknb " & key & "]"
        Exit Function
    End If
    s = CStr(nm.RefersTo)
    If Left$(s, 2) = "=""" And Right$(s, 1) = """" And Len(s) >= 3 Then
        s = Mid$(s, 3, Len(s) - 3)
    End If
    s = Replace(s, """""", """")
    T = Replace(s, "\n", vbLf)
End Function

Public Function GknbLastMessage() As String
    ' The text of the last message (for the acceptance script in installer/).
    GknbLastMessage = lastMessage
End Function

Private Function Say(ByVal text As String, ByVal buttons As Long) As Long
    ' A message box. Under the acceptance script (workbook name GKNB_VERIFY = "yes" or
    ' "no") no box is shown: the text is kept for GknbLastMessage() and that answer given.
    Dim preset As String
    lastMessage = text
    preset = LCase$(NameSetting("GKNB_VERIFY"))
    If preset = "yes" Then
        Say = vbYes
    ElseIf preset = "no" Then
        Say = vbNo
    Else
        Say = MsgBox(text, buttons, Title())
    End If
End Function

Public Function Title() As String
    Title = T("TITLE")
End Function

Public Function Arg(ByVal s As String) As String
    ' One command-line argument, quoted so that the program gets exactly s.
    Dim r As String, ch As String, i As Long, n As Long, slashes As Long
    r = """"
    n = Len(s)
    i = 1
    Do While i <= n
        ch = Mid$(s, i, 1)
        If ch = "\" Then
            slashes = slashes + 1
        ElseIf ch = """" Then
            r = r & String$(2 * slashes + 1, "\") & """"
            slashes = 0
        ElseIf ch = "%" Then
            r = r & String$(2 * slashes, "\") & """"
            Do While i <= n
                If Mid$(s, i, 1) <> "%" Then Exit Do
                r = r & "%"
                i = i + 1
            Loop
            r = r & """"
            slashes = 0
            i = i - 1
        Else
            r = r & String$(slashes, "\") & ch
            slashes = 0
        End If
        i = i + 1
    Loop
    Arg = r & String$(2 * slashes, "\") & """"
End Function

Public Function Program(ByVal path As String) As String
    ' The program's path in plain quotes: Run takes the file name up to the closing quote.
    Program = """" & path & """"
End Function

Public Function CommandLine(ByVal path As String, ByVal args As Variant) As String
    ' The program, then every element of args quoted by Arg(), separated by spaces.
    Dim s As String, a As Variant
    s = Program(path)
    For Each a In args
        s = s & " " & Arg(CStr(a))
    Next a
    CommandLine = s
End Function

Private Function Env(ByVal name As String) As String
    ' Unicode-safe environment lookup (Environ$ is ANSI in Excel).
    On Error Resume Next
    Env = CreateObject("WScript.Shell").Environment("Process").Item(name)
    If Err.Number <> 0 Then
        Err.Clear
        Env = Environ$(name)
    End If
End Function

Private Function FileExists(ByVal path As String) As Boolean
    On Error Resume Next
    FileExists = CreateObject("Scripting.FileSystemObject").FileExists(path)
End Function

Private Function Unquote(ByVal s As String) As String
    s = Trim$(s)
    If Len(s) >= 2 Then
        If Left$(s, 1) = """" And InStr(2, s, """") = Len(s) Then s = Mid$(s, 2, Len(s) - 2)
    End If
    Unquote = s
End Function

Private Function Clip(ByVal s As String) As String
    If Len(s) > MAX_MESSAGE Then s = Left$(s, MAX_MESSAGE) & " ..."
    Clip = s
End Function

Private Function OrNoText(ByVal s As String) As String
    If Len(s) > 0 Then OrNoText = s Else OrNoText = T("NO_TEXT")
End Function

Private Function NameSetting(ByVal name As String) As String
    ' The value of a workbook-level defined name: a cell, or a text constant such as ="D:\gknb".
    Dim nm As Object, v As Variant
    On Error Resume Next
    Set nm = ThisWorkbook.Names.Item(name)
    If nm Is Nothing Then Exit Function
    v = nm.RefersToRange.Value
    If Err.Number <> 0 Then
        Err.Clear
        v = Application.Evaluate(nm.RefersTo)
    End If
    If Err.Number = 0 And Not IsArray(v) Then
        If Not IsError(v) Then NameSetting = Trim$(CStr(v))
    End If
End Function

Private Function SettingCommand(ByVal setting As String) As String
    ' An existing file becomes a quoted path (a py*.exe gets -m gknb.excel); anything else is
    ' taken as a command line as it is.
    Dim p As String, leaf As String
    p = Unquote(setting)
    If FileExists(p) Then
        leaf = LCase$(Mid$(p, InStrRev(p, "\") + 1))
        If Left$(leaf, 2) = "py" And Right$(leaf, 4) = ".exe" Then
            SettingCommand = Program(p) & " -m gknb.excel"
        Else
            SettingCommand = Program(p)
        End If
    Else
        SettingCommand = Trim$(setting)
    End If
End Function

Public Function FindEngine(ByRef looked As String) As String
    ' The engine's command line, or "" with `looked` listing every place that was tried.
    Dim s As String, p As String
    s = Env("GKNB_ENGINE")
    If Len(Trim$(s)) > 0 Then
        FindEngine = SettingCommand(s)
        Exit Function
    End If
    looked = T("LOOKED_1")
    s = NameSetting("GK_ENGINE")
    If Len(s) > 0 Then
        FindEngine = SettingCommand(s)
        Exit Function
    End If
    looked = looked & vbLf & T("LOOKED_2")
    p = Env("LOCALAPPDATA") & "\gknb\" & ENGINE_EXE
    If FileExists(p) Then
        FindEngine = Program(p)
        Exit Function
    End If
    looked = looked & vbLf & "3. " & p & T("LOOKED_3")
    s = Env("GKNB_PYTHON")
    If Len(Trim$(s)) > 0 Then
        FindEngine = Program(Unquote(s)) & " -m gknb.excel"
        Exit Function
    End If
    looked = looked & vbLf & T("LOOKED_4")
End Function

Private Function ReadResult(ByVal path As String, ByRef found As Boolean) As String
    ' The engine's answer: UTF-16 text with BOM; found = False when the file does not exist.
    Dim fso As Object, ts As Object, s As String
    On Error Resume Next
    Set fso = CreateObject("Scripting.FileSystemObject")
    found = fso.FileExists(path)
    If Not found Then Exit Function
    Set ts = fso.OpenTextFile(path, 1, False, -1) ' for reading, Unicode
    If Not ts.AtEndOfStream Then s = ts.ReadAll
    ts.Close
    Do While Len(s) > 0
        If InStr(1, vbCr & vbLf & vbTab & " ", Right$(s, 1)) = 0 Then Exit Do
        s = Left$(s, Len(s) - 1)
    Loop
    ReadResult = Replace(s, vbCrLf, vbLf)
End Function

Private Function RunEngine(ByVal engine As String, ByVal verb As String, ByVal force As Boolean, _
                           ByRef exitCode As Long, ByRef answer As String, _
                           ByRef answered As Boolean) As Boolean
    ' Runs the engine hidden and waits; False (answer says why) if it could not be started.
    Dim sh As Object, fso As Object, resultFile As String, cmdLine As String
    Set fso = CreateObject("Scripting.FileSystemObject")
    resultFile = fso.BuildPath(fso.GetSpecialFolder(2), _
        "gknb-" & fso.GetBaseName(fso.GetTempName()) & ".txt")
    cmdLine = engine & " " & Arg(verb)
    If force Then cmdLine = cmdLine & " " & Arg("--force")
    cmdLine = cmdLine & " " & Arg("--result=" & resultFile) & " " & _
        Arg("--wb=" & ThisWorkbook.Name) & " " & Arg("--from_xl=1") & " " & _
        Arg("--hwnd=" & CStr(Application.Hwnd))
    Application.StatusBar = T("RUNNING")
    On Error Resume Next
    Set sh = CreateObject("WScript.Shell")
    exitCode = sh.Run(cmdLine, 0, True)
    If Err.Number <> 0 Then
        answer = Err.Description & " (" & Err.Number & ")"
        Err.Clear
        RunEngine = False
    Else
        answer = ReadResult(resultFile, answered)
        RunEngine = True
    End If
    fso.DeleteFile resultFile, True
    Application.StatusBar = False
End Function

Private Function SaveFirst() As Boolean
    Dim why As String
    SaveFirst = True
    If ThisWorkbook.Saved Or ThisWorkbook.ReadOnly Then Exit Function
    On Error Resume Next
    ThisWorkbook.Save
    If Err.Number = 0 Then Exit Function
    why = Err.Description
    Err.Clear
    SaveFirst = Say(T("SAVE_FAILED") & why & vbLf & vbLf & T("SAVE_CONTINUE"), _
        vbYesNo + vbExclamation) = vbYes
End Function

Public Sub RunCommand(ByVal verb As String)
    ' Runs one engine command (check, fill, clear, export, text) on this workbook.
    Dim engine As String, looked As String, force As Boolean
    Dim exitCode As Long, answer As String, answered As Boolean

    If Len(ThisWorkbook.Path) = 0 Then
        Say T("NOT_SAVED"), vbExclamation
        Exit Sub
    End If

    engine = FindEngine(looked)
    If Len(engine) = 0 Then
        Say T("NOT_FOUND") & vbLf & vbLf & looked & vbLf & vbLf & T("NOT_FOUND_HINT"), _
            vbExclamation
        Exit Sub
    End If

    If Not SaveFirst() Then Exit Sub

    Do
        If Not RunEngine(engine, verb, force, exitCode, answer, answered) Then
            Say T("START_FAILED") & vbLf & engine & vbLf & vbLf & Clip(answer) & vbLf & vbLf & _
                T("START_FAILED_HINT"), vbCritical
            Exit Sub
        End If
        Select Case exitCode
        Case EXIT_OK
            If Len(answer) > 0 Then Say Clip(answer), vbInformation
            Exit Sub
        Case EXIT_USER_ERROR
            Say Clip(OrNoText(answer)), vbExclamation
            Exit Sub
        Case EXIT_CONFIRM
            If force Then Exit Do ' asked again after --force: treat as a failure
            If Say(Clip(OrNoText(answer)), vbYesNo + vbQuestion + vbDefaultButton2) <> vbYes Then
                Exit Sub
            End If
            force = True
        Case Else
            Exit Do
        End Select
    Loop
    If answered Then
        Say T("FAILED") & exitCode & T("FAILED_END") & vbLf & Clip(OrNoText(answer)), _
            vbCritical
    Else
        Say T("NO_RESULT") & exitCode & T("NO_RESULT_END"), vbCritical
    End If
End Sub

Public Function HelpSheet() As Object
    ' The help sheet: code name shtReadme, else the sheet named like T("HELP_SHEET").
    Dim ws As Object
    For Each ws In ThisWorkbook.Worksheets
        If ws.CodeName = "shtReadme" Then
            Set HelpSheet = ws
            Exit Function
        End If
    Next ws
    On Error Resume Next
    Set HelpSheet = ThisWorkbook.Worksheets(T("HELP_SHEET"))
End Function

Public Sub ShowHelp()
    Dim ws As Object
    Set ws = HelpSheet()
    If ws Is Nothing Then
        Say T("HELP_MISSING"), vbExclamation
        Exit Sub
    End If
    On Error Resume Next
    If ws.Visible <> -1 Then ws.Visible = -1 ' xlSheetVisible
    ws.Activate
    ws.Range("A1").Select
End Sub

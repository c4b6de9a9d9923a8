Attribute VB_Name = "GknbRibbon"
' Ribbon callbacks: every onAction of customUI/customUI.xml names a Sub here taking
' (control As Object): late bound, so the project needs no reference to the Office type
' library. The same commands exist as plain macros (Alt+F8) for hosts that do not show the
' custom ribbon tab.
Option Explicit

Public Sub GknbOnCheck(control As Object)
    GknbCheck
End Sub

Public Sub GknbOnFillTotals(control As Object)
    GknbFillTotals
End Sub

Public Sub GknbOnClearMarks(control As Object)
    GknbClearMarks
End Sub

Public Sub GknbOnExportWord(control As Object)
    GknbExportWord
End Sub

Public Sub GknbOnWriteText(control As Object)
    GknbWriteText
End Sub

Public Sub GknbOnHelp(control As Object)
    GknbHelp
End Sub

Public Sub GknbCheck()
    RunCommand "check"
End Sub

Public Sub GknbFillTotals()
    RunCommand "fill"
End Sub

Public Sub GknbClearMarks()
    RunCommand "clear"
End Sub

Public Sub GknbExportWord()
    RunCommand "export"
End Sub

Public Sub GknbWriteText()
    RunCommand "text"
End Sub

Public Sub GknbHelp()
    ShowHelp
End Sub

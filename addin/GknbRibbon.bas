Attribute VB_Name = "GknbRibbon"
' Ribbon callbacks: every onAction of customUI/customUI.xml names a Sub here taking
' (control As IRibbonControl). The same commands exist as plain macros (Alt+F8) for hosts
' that do not show the custom ribbon tab.
Option Explicit

Public Sub GknbOnCheck(control As IRibbonControl)
    GknbCheck
End Sub

Public Sub GknbOnFillTotals(control As IRibbonControl)
    GknbFillTotals
End Sub

Public Sub GknbOnClearMarks(control As IRibbonControl)
    GknbClearMarks
End Sub

Public Sub GknbOnExportWord(control As IRibbonControl)
    GknbExportWord
End Sub

Public Sub GknbOnWriteText(control As IRibbonControl)
    GknbWriteText
End Sub

Public Sub GknbOnHelp(control As IRibbonControl)
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
